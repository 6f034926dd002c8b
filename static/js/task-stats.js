// The charts of the task statistics page (Chart.js, served by the app): a doughnut by situation and bars per
// group. Clicking a slice or a bar opens the list of exactly the tasks it counts.
(function () {
  "use strict";
  const source = document.getElementById("task-stats-data");
  if (!source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  Chart.defaults.font.size = 14; // read on a 10-inch tablet at arm's length
  const colours = {
    done_on_time: "#198754", done_late: "#ffc107", overdue: "#dc3545",
    due_soon: "#0dcaf0", not_yet_due: "#adb5bd", closed: "#6c757d",
  };

  function openLink(links, index) {
    const link = links[index];
    if (link) window.location.assign(link);
  }

  const doughnut = document.getElementById("chart-derived");
  if (doughnut) {
    const chart = new Chart(doughnut, {
      type: "doughnut",
      data: {
        labels: data.derived.labels,
        datasets: [{ data: data.derived.counts, backgroundColor: data.derived.keys.map((k) => colours[k]) }],
      },
      options: {
        maintainAspectRatio: false, animation: false,
        plugins: { legend: { position: "bottom" } },
        onClick: (event, elements) => { if (elements.length) openLink(data.derived.links, elements[0].index); },
      },
    });
    doughnut.dataset.ready = "true";
    doughnut.chart = chart;
  }

  const bars = document.getElementById("chart-groups");
  if (bars) {
    const series = data.groups.series;
    const chart = new Chart(bars, {
      type: "bar",
      data: {
        labels: data.groups.labels,
        datasets: series.map((s) => ({ label: s.label, data: s.counts, backgroundColor: colours[s.key] })),
      },
      options: {
        maintainAspectRatio: false, animation: false,
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: "bottom" } },
        onClick: (event, elements) => {
          if (elements.length) openLink(series[elements[0].datasetIndex].links, elements[0].index);
        },
      },
    });
    bars.dataset.ready = "true";
    bars.chart = chart;
  }
})();
