// The page's words in Chinese and English; the viewer's language from ?lang=, else the browser's.

const WORDS = {
  en: {
    live: 'LIVE', connecting: 'Connecting…', reconnecting: 'Reconnecting…', moving: 'Switching server…',
    roomMissing: 'This room does not exist.', viewers: 'viewers', likes: 'likes', say: 'Say something…',
    send: 'Send', like: 'Like', buy: 'Buy now', soldOut: 'Sold out', startsIn: 'Starts in', left: 'left',
    ordered: 'Order confirmed', limit: 'You have reached the limit for this sale', notStarted: 'Not started yet',
    failed: 'Could not order, trying again…', justBought: 'just bought', sent: 'sent', claim: 'Claim',
    claimed: 'Claimed', exhausted: 'All claimed', off: 'off', unmute: 'Tap to unmute', noVideo: 'The host is not live',
    pinned: 'Now showing', enterBag: 'Comment this to enter', host: 'Host', auto: 'Auto', quality: 'Quality', rose: 'Send a rose', heart: 'Send a heart', rocket: 'Send a rocket',
    tokenBad: 'Your sign-in has expired or is not valid: open the room again from the app.',
    hostConsole: 'Host console', roomTitle: 'Room title', createRoom: 'Create room', commentsPerSecond: 'comments/s',
    soldOfStock: 'sold', conversion: 'conversion (sold / viewers)', orders: 'Orders', publish: 'Publish from OBS', server: 'Server',
    streamKey: 'Stream key', show: 'Show', hide: 'Hide', needHostToken: 'Open this page with the link you got when the room was created (it carries the host token).',
    viewerPage: 'Viewer page', products: 'Products', pin: 'Pin', addProduct: 'Add product', name: 'Name', price: 'Price',
    stock: 'Stock', flashSales: 'Flash sales', announceSale: 'Announce sale', productId: 'Product id', quantity: 'Quantity',
    perUser: 'Per user', startsInSeconds: 'Starts in (s)', coupons: 'Coupons', luckyBags: 'Lucky bags',
    issueCoupon: 'Issue coupon', discount: 'Discount', count: 'Count', startLuckyBag: 'Start lucky bag', keyword: 'Keyword',
    prize: 'Prize', winners: 'Winners', seconds: 'Seconds', onAir: 'On air', announce: 'Announce',
    announcement: 'Announcement', switchCamera: 'Switch camera', camera: 'Camera', chat: 'Chat',
    restreams: 'Restream to other platforms', platform: 'Platform', ingestUrl: 'Server URL (rtmp:// or rtmps://)',
    layerOptional: 'Layer (optional)', addDestination: 'Add destination', remove: 'Remove', reconnects: 'reconnects',
    nextTry: 'next try', chatSecretOptional: 'Chat secret (optional)', replyUrlOptional: 'Reply URL for its chat (optional)',
    chatSecretOnce: 'Chat secret for this platform\'s relay (shown once, copy it now)', chatLinked: 'chat',
    everyone: 'All', thisRoom: 'This room', reply: 'Reply', replyingTo: 'Replying to', toAllPlatforms: 'All platforms',
    sendReply: 'Send reply', yourReply: 'Your answer', cancel: 'Cancel',
    numbersTitle: 'Numbers by platform', viewersPeak: 'peak viewers', avgWatch: 'avg watch', comments: 'comments',
    gifts: 'gifts', claims: 'coupons', units: 'units', revenue: 'revenue', buyers: 'buyers', total: 'total',
    product: 'product', viewersOverTime: 'viewers per minute', ordersOverTime: 'orders per minute', exportAs: 'export',
    noNumbers: 'No numbers yet.', buyerConversion: 'conversion (buyers / audience)',
    assistant: 'Shopping assistant', assistant_off: 'Off', assistant_on: 'Answers in the chat',
    assistant_suggest: 'Suggests to me', post: 'Post', forYou: 'Questions for you',
    removeComment: 'Take this comment off the chat', muteUser: 'Mute this viewer for 10 minutes', mute: 'Mute',
    mutedUntil: 'muted until', liftMute: 'Lift the mute', youAreMuted: 'The host has muted you until',
    goLiveHere: 'Go live from this browser', stopLive: 'Stop',
    bFrames: 'Your encoder sends B-frames: viewers on WebRTC may see choppy video. Set B-frames to 0 in OBS (Output, Keyframe and B-frames) or use the baseline profile.',
  },
  zh: {
    live: '直播中', connecting: '连接中…', reconnecting: '重新连接中…', moving: '切换服务器…',
    roomMissing: '直播间不存在。', viewers: '人在看', likes: '赞', say: '说点什么…',
    send: '发送', like: '点赞', buy: '立即抢购', soldOut: '已抢光', startsIn: '距开抢', left: '剩余',
    ordered: '下单成功', limit: '已达本场限购数量', notStarted: '尚未开始',
    failed: '下单失败，正在重试…', justBought: '刚刚下单', sent: '送出', claim: '领取',
    claimed: '已领取', exhausted: '已领完', off: '减', unmute: '点击开启声音', noVideo: '主播暂未开播',
    pinned: '正在讲解', enterBag: '发送口令参与福袋', host: '主播', auto: '自动', quality: '清晰度', rose: '送玫瑰', heart: '送爱心', rocket: '送火箭',
    tokenBad: '登录已过期或无效：请从应用重新进入直播间。',
    hostConsole: '主播控制台', roomTitle: '直播间标题', createRoom: '创建直播间', commentsPerSecond: '条评论/秒',
    soldOfStock: '已售', conversion: '转化率（售出/在看）', orders: '订单', publish: 'OBS 推流设置', server: '服务器',
    streamKey: '串流密钥', show: '显示', hide: '隐藏', needHostToken: '请用创建直播间时得到的链接打开本页（其中带有主播令牌）。',
    viewerPage: '观众页', products: '商品', pin: '讲解', addProduct: '上架商品', name: '名称', price: '价格',
    stock: '库存', flashSales: '秒杀', announceSale: '发布秒杀', productId: '商品编号', quantity: '数量',
    perUser: '每人限购', startsInSeconds: '几秒后开抢', coupons: '优惠券', luckyBags: '福袋',
    issueCoupon: '发券', discount: '减免', count: '张数', startLuckyBag: '发福袋', keyword: '口令',
    prize: '奖品', winners: '中奖人数', seconds: '秒', onAir: '直播中操作', announce: '公告',
    announcement: '公告内容', switchCamera: '切换机位', camera: '机位', chat: '评论',
    restreams: '同步推流到其他平台', platform: '平台', ingestUrl: '推流地址（rtmp:// 或 rtmps://）',
    layerOptional: '清晰度（可选）', addDestination: '添加推流目标', remove: '移除', reconnects: '次重连',
    nextTry: '下次重试', chatSecretOptional: '评论签名密钥（可选）', replyUrlOptional: '回复推送地址（可选）',
    chatSecretOnce: '该平台评论中继的签名密钥（只显示这一次，请立即复制）', chatLinked: '评论互通',
    everyone: '全部', thisRoom: '本直播间', reply: '回复', replyingTo: '回复', toAllPlatforms: '所有平台',
    sendReply: '发送回复', yourReply: '回复内容', cancel: '取消',
    numbersTitle: '各平台数据', viewersPeak: '在线峰值', avgWatch: '平均观看', comments: '评论',
    gifts: '礼物', claims: '领券', units: '件数', revenue: '销售额', buyers: '买家', total: '合计',
    product: '商品', viewersOverTime: '每分钟在线人数', ordersOverTime: '每分钟订单', exportAs: '导出',
    noNumbers: '暂无数据。', buyerConversion: '转化率（买家/观众）',
    assistant: '购物助手', assistant_off: '关闭', assistant_on: '自动回复', assistant_suggest: '建议给我',
    post: '发送', forYou: '待你回答的问题',
    removeComment: '删除这条评论', muteUser: '禁言 10 分钟', mute: '禁言',
    mutedUntil: '禁言至', liftMute: '解除禁言', youAreMuted: '你已被主播禁言，直到',
    goLiveHere: '用本浏览器开播', stopLive: '停止',
    bFrames: '编码器正在发送 B 帧：WebRTC 观众可能看到卡顿。请在 OBS 中把 B 帧设为 0（输出设置），或使用 baseline 配置。',
  },
};

export function language(search = globalThis.location?.search ?? '', browser = globalThis.navigator?.language ?? 'en') {
  const asked = new URLSearchParams(search).get('lang');
  const lang = (asked ?? browser).toLowerCase();
  return lang.startsWith('zh') ? 'zh' : 'en';
}

export function words(lang) {
  return WORDS[lang] ?? WORDS.en;
}

export function price(cents, lang) {
  return new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en-US', { style: 'currency', currency: 'CNY' })
    .format(cents / 100);
}
