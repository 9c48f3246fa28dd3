// maiprobe's chart glue: every <figure class="chart"> holds its data as
// JSON in a <script type="application/json"> block:
//   {"x": [unix seconds…], "series": [{"label": "…", "values": [n|null…], "scale": "…"}]}
// and gets a uPlot line chart. Without JavaScript the figure shows its
// caption and the page's tables carry the same numbers.
(function () {
  "use strict";
  var colours = ["#d6336c", "#1c7ed6", "#2b8a3e", "#e8590c", "#7048e8", "#0c8599"];
  function draw(fig) {
    var src = fig.querySelector('script[type="application/json"]');
    if (!src || typeof uPlot === "undefined") return;
    var d = JSON.parse(src.textContent);
    if (!d || !d.x || d.x.length === 0) return;
    var series = [{}], axes = [{}], data = [d.x], scales = {x: {time: true}}, seen = {};
    d.series.forEach(function (s, i) {
      var scale = s.scale || "y";
      series.push({label: s.label, scale: scale, stroke: colours[i % colours.length], width: 2, spanGaps: true,
        points: {show: d.x.length < 200}});
      data.push(s.values);
      if (!seen[scale]) {
        seen[scale] = true;
        scales[scale] = {auto: true};
        // size: room for labels such as 15,000 beside the plot.
        axes.push({scale: scale, side: Object.keys(seen).length === 1 ? 3 : 1, size: 64,
          grid: {show: Object.keys(seen).length === 1}});
      }
    });
    var box = document.createElement("div");
    fig.insertBefore(box, fig.firstChild);
    var width = function () { return Math.max(280, fig.clientWidth); };
    var plot = new uPlot({width: width(), height: 240, series: series, axes: axes, scales: scales}, data, box);
    window.addEventListener("resize", function () { plot.setSize({width: width(), height: 240}); });
  }
  function init() {
    var figs = document.querySelectorAll("figure.chart");
    for (var i = 0; i < figs.length; i++) draw(figs[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
