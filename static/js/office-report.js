// The charts of the Office's report (Chart.js, served by the app): a bar chart per table, its columns stacked.
// Clicking a bar that counts tasks opens the list of exactly those tasks.
(function () {
  "use strict";
  const source = document.getElementById("office-report-data");
  if (!source || typeof Chart === "undefined") return;
  Chart.defaults.font.size = 14; // read on a 10-inch tablet at arm's length
  const palette = ["#0d6efd", "#198754", "#ffc107", "#dc3545", "#adb5bd", "#6f42c1"];
  const taskColours = { 1: "#198754", 2: "#ffc107", 3: "#dc3545", 4: "#adb5bd" };

  function colour(chart, series, index) {
    return chart.id.startsWith("chart-tasks_") ? taskColours[series.key.split("-").pop()] : palette[index];
  }

  JSON.parse(source.textContent).forEach((spec) => {
    const canvas = document.getElementById(spec.id);
    if (!canvas) return;
    const chart = new Chart(canvas, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: spec.series.map((s, i) => ({ label: s.label, data: s.counts, backgroundColor: colour(spec, s, i) })),
      },
      options: {
        maintainAspectRatio: false, animation: false,
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: "bottom", display: spec.series.length > 1 } },
        onClick: (event, elements) => {
          if (!elements.length) return;
          const link = spec.series[elements[0].datasetIndex].links[elements[0].index];
          if (link) window.location.assign(link);
        },
      },
    });
    canvas.dataset.ready = "true";
    canvas.chart = chart;
  });
})();
