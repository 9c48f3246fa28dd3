// maiprobe's chart glue: every <figure class="chart"> holds its data as
// JSON in a <script type="application/json"> block:
//   {"x": [unix seconds…], "series": [{"label": "…", "values": [n|null…], "scale": "…"}],
//    "offset": seconds east of UTC}
// and the time axis and legend show the clock of that offset (the region's,
// as the page's tables do), not the browser's.
// and gets a uPlot line chart. Without JavaScript the figure shows its
// caption and the page's tables carry the same numbers.
(function () {
  "use strict";
  var colours = ["#d6336c", "#1c7ed6", "#2b8a3e", "#e8590c", "#7048e8", "#0c8599"];
  var day = 86400;
  // timeRange keeps the x axis about the data: for a zero span (one point,
  // or every point at one moment) uPlot widens the axis to about 2.7 years
  // before asking the range, so the data's own span is checked and a day
  // either side stands in for it.
  function timeRange(xs) {
    var lo = Infinity, hi = -Infinity;
    xs.forEach(function (x) { lo = Math.min(lo, x); hi = Math.max(hi, x); });
    return function (u, min, max) {
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
  // offset seconds east of UTC, so its formatting shows that zone.
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
    // The time axis asks for more room per tick than uPlot's 50 px: its
    // labels (date and time on two lines) are wider than that.
    var series = [{}], axes = [{space: 100}], data = [d.x], seen = {};
    var scales = {x: {time: true, range: timeRange(d.x)}};
    d.series.forEach(function (s, i) {
      var scale = s.scale || "y";
      series.push({label: s.label, scale: scale, stroke: colours[i % colours.length], width: 2, spanGaps: true,
        points: {show: d.x.length < 200}});
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
    var width = function () { return Math.max(280, fig.clientWidth); };
    var plot = new uPlot({width: width(), height: 240, series: series, axes: axes, scales: scales,
      tzDate: zoned(d.offset || 0)}, data, box);
    window.addEventListener("resize", function () { plot.setSize({width: width(), height: 240}); });
  }
  function init() {
    var figs = document.querySelectorAll("figure.chart");
    for (var i = 0; i < figs.length; i++) draw(figs[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
