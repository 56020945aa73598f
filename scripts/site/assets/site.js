// Course site behaviour: theme toggle, outline menu, copy buttons, plotly figures and mermaid diagrams.
(function () {
  "use strict";
  var root = document.documentElement;
  var isDark = function () { return root.dataset.theme === "dark"; };

  // Plotly: figures come as JSON next to their div; colours follow the theme so plots stay readable.
  function themed(layout) {
    var grid = isDark() ? "#3a3f47" : "#e5e5e5";
    var out = Object.assign({}, layout, {
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: Object.assign({}, layout.font, { color: isDark() ? "#e6e6e6" : "#222" }),
    });
    Object.keys(layout).concat(["xaxis", "yaxis"]).forEach(function (key) {
      if (/^[xy]axis\d*$/.test(key)) out[key] = Object.assign({}, layout[key], { gridcolor: grid, zerolinecolor: grid });
    });
    return out;
  }
  function drawPlots() {
    if (!window.Plotly) return;
    document.querySelectorAll("script[data-plotly-for]").forEach(function (script) {
      var fig = JSON.parse(script.textContent);
      var config = Object.assign({ responsive: true, displaylogo: false }, fig.config || {});
      window.Plotly.newPlot(document.getElementById(script.dataset.plotlyFor), fig.data || [], themed(fig.layout || {}), config);
    });
  }
  function restylePlots() {
    if (!window.Plotly) return;
    document.querySelectorAll(".plotly-figure.js-plotly-plot").forEach(function (div) {
      window.Plotly.relayout(div, themed(div.layout));
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
