// maiprobe's bookmarklet and userscript (docs/bookmarklet.md). It runs on a
// maimai DX NET page in the player's own browser: it sends the page, or on
// request the record list, every play detail the record list links to and
// the score lists of every difficulty (cfg.lists), to the maiprobe import API. The
// site's pages are fetched same-origin with the player's own session, one
// about every cfg.pace milliseconds; the server is called with the import
// token only (no cookies). The Go side appends the call with the settings.
(function (cfg) {
  'use strict';
  var w = window;
  if (w.__maiprobe) {
    w.__maiprobe.show();
    return;
  }
  var zh = /^zh/i.test(document.documentElement.lang || navigator.language || '');
  var T = zh ? {
    title: 'maiprobe 导入',
    page: '发送本页',
    all: '发送最近记录、游玩详情和全部成绩',
    stop: '停止',
    close: '关闭',
    open: 'maiprobe',
    notSite: '这里不是 maimai DX NET 的页面，请在舞萌 DX 的网站上运行。',
    sending: '正在发送 ',
    fetching: '正在读取 ',
    done: '完成：新增 %a，未变 %u，拒绝 %r。',
    stopped: '已停止。',
    login: '网站没有返回数据：请先登录 maimai DX NET 再运行。',
    failed: '出错：',
    busy: '正在运行，请稍候。'
  } : {
    title: 'maiprobe import',
    page: 'Send this page',
    all: 'Send recent plays, play details and all scores',
    stop: 'Stop',
    close: 'Close',
    open: 'maiprobe',
    notSite: 'This is not a maimai DX NET page: run it on the site.',
    sending: 'Sending ',
    fetching: 'Reading ',
    done: 'Done: %a added, %u unchanged, %r rejected.',
    stopped: 'Stopped.',
    login: 'The site gave no player data: log in to maimai DX NET first, then run it again.',
    failed: 'Failed: ',
    busy: 'Already running; please wait.'
  };
  var m = /^(https?:\/\/[^\/]+\/maimai-mobile\/)/.exec(location.href);
  var base = m ? m[1] : null;
  var pace = cfg.pace > 0 ? cfg.pace : 1000;
  var running = false;
  var stopped = false;
  var tally = { added: 0, unchanged: 0, rejected: 0 };

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs) {
      if (Object.prototype.hasOwnProperty.call(attrs, k)) {
        e.setAttribute(k, attrs[k]);
      }
    }
    if (text) {
      e.textContent = text;
    }
    return e;
  }
  var box = el('div', { id: 'maiprobe-overlay', role: 'dialog', 'aria-label': T.title,
    style: 'position:fixed;top:8px;right:8px;z-index:2147483647;width:320px;max-width:90vw;background:#fff;color:#1d1d28;' +
      'border:2px solid #d6336c;border-radius:8px;padding:10px;font:14px/1.4 system-ui,sans-serif;text-align:left;box-shadow:0 4px 16px rgba(0,0,0,.3)' });
  var head = el('div', { style: 'font-weight:bold;margin-bottom:6px' }, T.title);
  var btnStyle = 'display:block;width:100%;margin:4px 0;padding:6px;border:0;border-radius:4px;background:#d6336c;color:#fff;font:inherit;cursor:pointer';
  var bPage = el('button', { id: 'maiprobe-page', type: 'button', style: btnStyle }, T.page);
  var bAll = el('button', { id: 'maiprobe-all', type: 'button', style: btnStyle }, T.all);
  var bStop = el('button', { id: 'maiprobe-stop', type: 'button', style: btnStyle + ';background:#6b6b80' }, T.stop);
  var bClose = el('button', { id: 'maiprobe-close', type: 'button', style: btnStyle + ';background:#6b6b80' }, T.close);
  var status = el('div', { id: 'maiprobe-status', role: 'status', style: 'margin:6px 0;font-weight:bold' });
  var progress = el('progress', { id: 'maiprobe-progress', max: '1', value: '0', style: 'width:100%' });
  var log = el('ol', { id: 'maiprobe-log', style: 'max-height:40vh;overflow:auto;margin:4px 0;padding-left:1.5em;font-size:12px' });
  box.appendChild(head);
  box.appendChild(bPage);
  box.appendChild(bAll);
  box.appendChild(status);
  box.appendChild(progress);
  box.appendChild(log);
  box.appendChild(bStop);
  box.appendChild(bClose);

  function say(text) {
    status.textContent = text;
  }
  function note(text) {
    var li = el('li', {}, text);
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
  }
  function show() {
    if (!box.parentNode) {
      document.body.appendChild(box);
    }
    box.style.display = 'block';
  }
  function sleep(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  // send posts one page to the import API and returns its file result.
  async function send(name, html) {
    var res = await fetch(cfg.api, {
      method: 'POST',
      mode: 'cors',
      credentials: 'omit',
      headers: { 'Authorization': 'Bearer ' + cfg.token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: name, html: html })
    });
    var body = null;
    try {
      body = await res.json();
    } catch (e) {
      body = null;
    }
    if (!res.ok) {
      throw new Error((body && body.error) || ('HTTP ' + res.status));
    }
    var f = body.files[0];
    tally[f.status] = (tally[f.status] || 0) + 1;
    note(name + ': ' + f.status + (f.kind ? ' (' + f.kind + ')' : '') + (f.error ? ' — ' + f.error : ''));
    return f;
  }

  // get reads a page of the site with the player's own session.
  async function get(path) {
    var res = await fetch(base + path, { credentials: 'same-origin' });
    if (!res.ok) {
      throw new Error(path + ': HTTP ' + res.status);
    }
    return res.text();
  }

  function summary() {
    return T.done.replace('%a', tally.added).replace('%u', tally.unchanged).replace('%r', tally.rejected);
  }

  async function run(job) {
    if (running) {
      say(T.busy);
      return;
    }
    running = true;
    stopped = false;
    tally = { added: 0, unchanged: 0, rejected: 0 };
    log.textContent = '';
    try {
      await job();
      say(stopped ? T.stopped + ' ' + summary() : summary());
    } catch (e) {
      say(T.failed + (e && e.message ? e.message : e));
    } finally {
      running = false;
      box.setAttribute('data-state', 'done');
    }
  }

  function sendPage() {
    return run(async function () {
      box.setAttribute('data-state', 'running');
      say(T.sending + location.pathname);
      var html = '<!DOCTYPE html>\n' + document.documentElement.outerHTML;
      progress.max = 1;
      await send(location.pathname + location.search, html);
      progress.value = 1;
    });
  }

  function sendAll() {
    return run(async function () {
      box.setAttribute('data-state', 'running');
      if (!base) {
        throw new Error(T.notSite);
      }
      var lists = cfg.lists && cfg.lists.length ? cfg.lists : [0, 1, 2, 3, 4, 10].map(function (d) {
        return 'record/musicGenre/search/?genre=99&diff=' + d;
      });
      say(T.fetching + 'record/');
      var record = await get('record/');
      var f = await send('record/', record);
      if (f.status === 'rejected') {
        throw new Error(T.login + ' (' + (f.error || '') + ')');
      }
      var doc = new DOMParser().parseFromString(record, 'text/html');
      var idx = [];
      doc.querySelectorAll('input[name="idx"]').forEach(function (i) {
        if (i.value && idx.indexOf(i.value) < 0) {
          idx.push(i.value);
        }
      });
      var paths = idx.map(function (v) { return 'record/playlogDetail/?idx=' + encodeURIComponent(v); });
      paths = paths.concat(lists);
      progress.max = paths.length + 1;
      progress.value = 1;
      for (var i = 0; i < paths.length && !stopped; i++) {
        await sleep(pace);
        if (stopped) {
          break;
        }
        say(T.fetching + (i + 1) + '/' + paths.length + ' ' + paths[i]);
        var page = await get(paths[i]);
        await send(paths[i], page);
        progress.value = i + 2;
      }
    });
  }

  bPage.addEventListener('click', sendPage);
  bAll.addEventListener('click', sendAll);
  bStop.addEventListener('click', function () { stopped = true; });
  bClose.addEventListener('click', function () { stopped = true; box.style.display = 'none'; });
  w.__maiprobe = { show: show, sendPage: sendPage, sendAll: sendAll };

  if (cfg.button) {
    var open = el('button', { id: 'maiprobe-open', type: 'button',
      style: 'position:fixed;bottom:8px;right:8px;z-index:2147483646;padding:6px 10px;border:0;border-radius:16px;background:#d6336c;color:#fff;font:14px system-ui,sans-serif;cursor:pointer' }, T.open);
    open.addEventListener('click', show);
    document.body.appendChild(open);
  } else {
    show();
  }
  if (!base) {
    say(T.notSite);
  }
})
