// maiprobe's chart glue: every <figure class="chart"> holds its data as
// JSON in a <script type="application/json"> block (chartData in
// internal/web/rows.go):
//   {"x": [unix seconds…], "series": [{"label": "…", "values": [n|null…], "scale": "…"}],
//    "offset": seconds east of UTC, "lang": "zh"|"en", "xlabel": "时间",
//    "step": "moment"|"day"|"month"|"index"}
// and gets a uPlot line chart. The time axis and legend show the clock of
// that offset (the region's, as the page's tables do), not the browser's,
// in the page's language: 2026-12-07, 12月7日, 15:00 in Chinese; 7 Dec
// 2026, 15:00 in English. A chart of one value a month or a day never
// ticks hours. Without JavaScript the figure shows its caption and the
// page's tables carry the same numbers.
(function () {
  "use strict";
  // Eight colours told apart at a glance (Okabe–Ito's, with their yellow
  // darkened to read on white); no chart has more lines than this.
  var colours = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#6a3d9a", "#444444"];
  var minute = 60, hour = 3600, day = 86400, month = 30 * day, year = 365 * day;
  // The tick steps a chart may use. uPlot lays ticks on calendar months
  // (in the chart's clock) for steps of 30 days and more, on days for
  // steps of a day and more.
  var dayIncrs = [day, 2 * day, 3 * day, 4 * day, 5 * day, 6 * day, 7 * day, 8 * day, 9 * day, 10 * day, 15 * day];
  var monthIncrs = [month, 2 * month, 3 * month, 4 * month, 6 * month, year, 2 * year, 5 * year, 10 * year];
  var momentIncrs = [minute, 5 * minute, 10 * minute, 15 * minute, 30 * minute,
    hour, 2 * hour, 3 * hour, 4 * hour, 6 * hour, 8 * hour, 12 * hour].concat(dayIncrs, monthIncrs);
  var monthsEn = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  // Date formats per language, of a wall clock's fields {y, m (1–12), d, h, min}.
  var formats = {
    zh: {
      year: function (p) { return p.y + "年"; },
      month: function (p) { return p.m + "月"; },
      day: function (p) { return p.m + "月" + p.d + "日"; },
      yearMonth: function (p) { return p.y + "年" + p.m + "月"; },
      date: function (p) { return p.y + "-" + pad(p.m) + "-" + pad(p.d); },
      moment: function (p) { return p.y + "-" + pad(p.m) + "-" + pad(p.d) + " " + pad(p.h) + ":" + pad(p.min); }
    },
    en: {
      year: function (p) { return String(p.y); },
      month: function (p) { return monthsEn[p.m - 1]; },
      day: function (p) { return p.d + " " + monthsEn[p.m - 1]; },
      yearMonth: function (p) { return monthsEn[p.m - 1] + " " + p.y; },
      date: function (p) { return p.d + " " + monthsEn[p.m - 1] + " " + p.y; },
      moment: function (p) { return p.d + " " + monthsEn[p.m - 1] + " " + p.y + ", " + pad(p.h) + ":" + pad(p.min); }
    }
  };
  function clock(p) { return pad(p.h) + ":" + pad(p.min); }
  // wall gives the wall clock's fields of unix seconds ts at offset
  // seconds east of UTC.
  function wall(ts, offset) {
    var d = new Date((ts + offset) * 1000);
    return {y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), min: d.getUTCMinutes()};
  }
  // tickValues writes the x ticks for a tick step of incr seconds: years,
  // months or days with the year under the first tick and each new year's,
  // or clock times with the date under the first and each new day's.
  function tickValues(f, offset) {
    return function (u, splits, axisIdx, space, incr) {
      var prev = null;
      return splits.map(function (ts) {
        var p = wall(ts, offset), s;
        if (incr >= year) s = f.year(p);
        else if (incr >= 28 * day) s = f.month(p) + (!prev || prev.y !== p.y ? "\n" + f.year(p) : "");
        else if (incr >= day) s = f.day(p) + (!prev || prev.y !== p.y ? "\n" + f.year(p) : "");
        else s = clock(p) + (!prev || prev.y !== p.y || prev.m !== p.m || prev.d !== p.d ? "\n" + f.day(p) : "");
        prev = p;
        return s;
      });
    };
  }
  // monthSplits lays a monthly chart's ticks on the first of the month in
  // the chart's clock, every k months from January (k = 1, 2, 3, 4, 6) or
  // every k years, k as uPlot's tick step asks: the quarters start in
  // January, April, July and October whatever month the data starts in.
  function monthSplits(offset) {
    return function (u, axisIdx, min, max, incr) {
      var k = incr >= year ? 12 * Math.round(incr / year) : Math.max(1, Math.round(incr / month));
      var p = wall(min, offset), out = [];
      for (var i = Math.ceil((p.y * 12 + p.m - 1) / k) * k - k; ; i += k) {
        var ts = Date.UTC(Math.floor(i / 12), i % 12, 1) / 1000 - offset;
        if (ts > max) break;
        if (ts >= min) out.push(ts);
      }
      return out;
    };
  }
  // timeRange keeps the x axis about the data: for a zero span (one point,
  // or every point at one moment) uPlot widens the axis to about 2.7 years
  // before asking the range, so the data's own span is checked and a step
  // either side stands in for it. A chart of months gets half a month
  // either side always, so its first and last months have their ticks.
  function timeRange(xs, step) {
    var lo = Infinity, hi = -Infinity;
    xs.forEach(function (x) { lo = Math.min(lo, x); hi = Math.max(hi, x); });
    return function (u, min, max) {
      if (step === "month") return [lo - month / 2, hi + month / 2];
      if (step === "day" && hi - lo < 7 * day) return [lo - day, hi + day];
      if (hi - lo < 60) return [lo - day / 2, hi + day / 2];
      return [min, max];
    };
  }
  // axisSize fits the widest tick label (15,000 is wider than uPlot's fixed
  // 50 px), measured in the axis's own font.
  function axisSize(u, values, i, cycle) {
    var ax = u.axes[i];
    if (cycle > 1) return ax._size;
    var size = ax.ticks.size + ax.gap, widest = 0;
    if (values) {
      u.ctx.font = ax.font[0];
      values.forEach(function (v) {
        widest = Math.max(widest, u.ctx.measureText(String(v)).width / devicePixelRatio);
      });
    }
    return Math.max(50, Math.ceil(size + widest + 4));
  }
  // zoned gives uPlot Dates whose local fields read the wall clock at
  // offset seconds east of UTC, so the ticks it lays on days and months
  // fall on that zone's midnights (a fixed offset: a browser may lack the
  // region's IANA zone, and neither region keeps summer time).
  function zoned(offset) {
    return function (ts) {
      var d = new Date(ts * 1000);
      var shifted = new Date(d.getTime() + (offset + d.getTimezoneOffset() * 60) * 1000);
      // Across a DST change of the browser's zone the shifted moment has
      // another local offset; correct by the difference.
      return new Date(shifted.getTime() + (shifted.getTimezoneOffset() - d.getTimezoneOffset()) * 60000);
    };
  }
  function draw(fig) {
    var src = fig.querySelector('script[type="application/json"]');
    if (!src || typeof uPlot === "undefined") return;
    var d = JSON.parse(src.textContent);
    if (!d || !d.x || d.x.length === 0) return;
    var offset = d.offset || 0, step = d.step || "moment";
    var f = formats[d.lang] || formats.zh;
    var legend = step === "month" ? f.yearMonth : step === "day" ? f.date : f.moment;
    // The time axis asks for more room per tick than uPlot's 50 px: its
    // labels (date and time on two lines) are wider than that.
    var series = [{label: d.xlabel || "", value: function (u, ts) { return ts == null ? "--" : legend(wall(ts, offset)); }}];
    var axes = [{space: step === "moment" ? 80 : step === "day" ? 60 : 45, values: tickValues(f, offset),
      incrs: step === "month" ? monthIncrs : step === "day" ? dayIncrs.concat(monthIncrs) : momentIncrs}];
    if (step === "month") axes[0].splits = monthSplits(offset);
    var data = [d.x], seen = {};
    var scales = {x: {time: true, range: timeRange(d.x, step)}};
    if (step === "index") {
      // x counts something (the plays of a visit): whole numbers, no clock.
      series[0].value = function (u, n) { return n == null ? "--" : String(n); };
      axes = [{space: 40, incrs: [1, 2, 5, 10, 20, 50, 100], values: function (u, splits) { return splits.map(String); }}];
      scales = {x: {time: false, range: function (u, lo, hi) { return [Math.min(lo, hi - 1), hi]; }}};
    }
    d.series.forEach(function (s, i) {
      var scale = s.scale || "y";
      // Past the palette a line is dashed, so no two look the same.
      var line = {label: s.label, scale: scale, stroke: colours[i % colours.length], width: 2, spanGaps: true,
        points: {show: d.x.length < 200}};
      if (i >= colours.length) line.dash = [6, 4];
      series.push(line);
      data.push(s.values);
      if (!seen[scale]) {
        seen[scale] = true;
        scales[scale] = {auto: true};
        axes.push({scale: scale, side: Object.keys(seen).length === 1 ? 3 : 1, size: axisSize,
          grid: {show: Object.keys(seen).length === 1}});
      }
    });
    var box = document.createElement("div");
    fig.insertBefore(box, fig.firstChild);
    var small = fig.parentElement && fig.parentElement.classList.contains("charts");
    var height = small ? 200 : 240;
    var width = function () { return Math.max(260, fig.clientWidth); };
    var plot = new uPlot({width: width(), height: height, series: series, axes: axes, scales: scales,
      tzDate: zoned(offset)}, data, box);
    // The page's tests read the drawn ticks and the legend off the plot.
    fig.uplot = plot;
    window.addEventListener("resize", function () { plot.setSize({width: width(), height: height}); });
  }
  function init() {
    var figs = document.querySelectorAll("figure.chart");
    for (var i = 0; i < figs.length; i++) draw(figs[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
