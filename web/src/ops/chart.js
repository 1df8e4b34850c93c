// A time-series chart (uPlot) of values the dashboard polls, with the autoscaler's decisions as
// vertical marks on the same time axis: a spike, the decision and the new capacity line up.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const COLORS = ['#ff3b5c', '#8ab4f8', '#ffd166', '#81c995', '#c58af9', '#f28b82', '#78d9ec', '#fdd663'];

/**
 * @param {HTMLElement} el
 * @param {string} title
 * @param {number} width in CSS pixels; resize() follows the page
 */
export function timeChart(el, title, width) {
  let plot = null;
  let names = [];
  let marks = [];
  const marksPlugin = {
    hooks: {
      draw: u => {
        const ctx = u.ctx;
        ctx.save();
        ctx.strokeStyle = '#ffd166';
        ctx.setLineDash([4, 4]);
        for (const m of marks) {
          const x = Math.round(u.valToPos(m.at / 1000, 'x', true));
          if (x >= u.bbox.left && x <= u.bbox.left + u.bbox.width) {
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
          }
        }
        ctx.restore();
      },
    },
  };
  return {
    update({ times, series, marks: m }) {
      marks = m;
      const keys = [...series.keys()];
      const aligned = [times.map(t => t / 1000), ...keys.map(k => series.get(k))];
      if (!plot || keys.join() !== names.join()) {
        plot?.destroy();
        names = keys;
        plot = new uPlot({
          title, width, height: 180, plugins: [marksPlugin],
          axes: [{ stroke: '#9aa0a6' }, { stroke: '#9aa0a6' }],
          series: [{}, ...keys.map((k, i) => ({ label: k, stroke: COLORS[i % COLORS.length], width: 2 }))],
        }, aligned, el);
      } else {
        plot.setData(aligned);
      }
    },
    /** Follows the page's width (a phone turned, a window resized). */
    resize(w) {
      width = w;
      plot?.setSize({ width: w, height: 180 });
    },
  };
}
