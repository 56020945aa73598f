// Course site behaviour: theme toggle, outline menu, copy buttons, plotly figures and mermaid diagrams.
(function () {
  "use strict";
  var root = document.documentElement;
  var isDark = function () { return root.dataset.theme === "dark"; };

  // Plotly: figures come as JSON next to their div; colours follow the theme so plots stay readable.
  function plotlyTheme(div) {
    var ink = isDark() ? "#e6e6e6" : "#222";
    var grid = isDark() ? "#3a3f47" : "#e5e5e5";
    var update = { paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)", "font.color": ink };
    Object.keys(div.layout).forEach(function (key) {
      if (/^[xy]axis\d*$/.test(key)) {
        update[key + ".gridcolor"] = grid;
        update[key + ".zerolinecolor"] = grid;
      }
    });
    return update;
  }
  function drawPlots() {
    if (!window.Plotly) return;
    document.querySelectorAll("script[data-plotly-for]").forEach(function (script) {
      var div = document.getElementById(script.dataset.plotlyFor);
      var fig = JSON.parse(script.textContent);
      var config = Object.assign({ responsive: true, displaylogo: false }, fig.config || {});
      window.Plotly.newPlot(div, fig.data || [], fig.layout || {}, config).then(function () {
        window.Plotly.relayout(div, plotlyTheme(div));
      });
    });
  }
  function restylePlots() {
    if (!window.Plotly) return;
    document.querySelectorAll(".plotly-figure.js-plotly-plot").forEach(function (div) {
      window.Plotly.relayout(div, plotlyTheme(div));
    });
  }

  // Mermaid: diagrams are redrawn from their source when the theme changes.
  function drawDiagrams() {
    if (!window.mermaid) return;
    var nodes = document.querySelectorAll("pre.mermaid");
    nodes.forEach(function (node) {
      node.removeAttribute("data-processed");
      node.textContent = node.dataset.source;
    });
    window.mermaid.initialize({ startOnLoad: false, theme: isDark() ? "dark" : "default", securityLevel: "strict" });
    window.mermaid.run({ nodes: nodes });
  }

  function setTheme(theme) {
    root.dataset.theme = theme;
    try { localStorage.setItem("theme", theme); } catch (e) { /* private mode: the choice lasts this page only */ }
    restylePlots();
    drawDiagrams();
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    var area = document.createElement("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    document.execCommand("copy");
    area.remove();
    return Promise.resolve();
  }

  document.querySelector(".theme-toggle").addEventListener("click", function () {
    setTheme(isDark() ? "light" : "dark");
  });
  var menu = document.querySelector(".menu");
  menu.addEventListener("click", function () {
    var open = document.body.classList.toggle("outline-open");
    menu.setAttribute("aria-expanded", String(open));
  });
  document.querySelectorAll("button.copy").forEach(function (button) {
    button.addEventListener("click", function () {
      var code = button.parentElement.querySelector("code").textContent;
      copyText(code).then(function () {
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = "Copy"; }, 1500);
      });
    });
  });
  drawPlots();
  drawDiagrams();
})();
