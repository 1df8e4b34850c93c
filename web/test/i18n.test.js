import { test } from 'node:test';
import assert from 'node:assert/strict';
import { language, words } from '../src/lib/i18n.js';

test('the language comes from ?lang=, else the browser, and every word exists in both', () => {
  assert.equal(language('?lang=zh', 'en-US'), 'zh');
  assert.equal(language('', 'zh-CN'), 'zh');
  assert.equal(language('?lang=fr', 'fr-FR'), 'en');
  assert.deepEqual(Object.keys(words('zh')).sort(), Object.keys(words('en')).sort());
});
