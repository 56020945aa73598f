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
    return narrow() ? phoneLayout(out) : out;
  }
  // On a phone a legend at the side takes half the plot and a long title is cut at both ends: the legend goes
  // under the plot (the figure grows to hold it) and the title wraps onto two lines.
  function narrow() { return window.innerWidth < 600; }
  function wrapTitle(text) {
    if (typeof text !== "string" || text.length <= 34 || text.indexOf("<br>") >= 0) return text;
    var middle = text.length / 2, best = -1;
    for (var i = 0; i < text.length; i++) if (text[i] === " " && (best < 0 || Math.abs(i - middle) < Math.abs(best - middle))) best = i;
    return best < 0 ? text : text.slice(0, best) + "<br>" + text.slice(best + 1);
  }
  function phoneLayout(layout) {
    var out = Object.assign({}, layout);
    var title = layout.title && typeof layout.title === "object" ? layout.title : layout.title ? { text: layout.title } : null;
    if (title) out.title = Object.assign({}, title, { text: wrapTitle(title.text), font: Object.assign({}, title.font, { size: 14 }) });
    var margin = Object.assign({}, layout.margin);
    margin.l = Math.min(margin.l === undefined ? 60 : margin.l, 50);
    margin.r = 10;
    if (title && out.title.text !== title.text) margin.t = Math.max(margin.t || 0, 84); // two lines under the mode bar
    out.margin = margin;
    ["xaxis", "yaxis"].forEach(function (key) { out[key] = Object.assign({}, out[key], { automargin: true }); }); // room for long tick labels
    if (layout.showlegend !== false) {
      out.legend = Object.assign({}, layout.legend, { orientation: "h", x: 0, xanchor: "left", y: -0.22, yanchor: "top" });
      out.height = (layout.height || 360) + 90;
    }
    return out;
  }
  // root: the page, or (live cells) the output element a figure has just been written into.
  function drawPlots(root) {
    if (!window.Plotly) return;
    (root || document).querySelectorAll("script[data-plotly-for]").forEach(function (script) {
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
    // useMaxWidth false: a diagram keeps its natural size (16 px text) instead of shrinking a wide one to the
    // column, which drew 7 px labels; wider than the screen, it scrolls inside its own box.
    window.mermaid.initialize({ startOnLoad: false, theme: isDark() ? "dark" : "default", securityLevel: "strict", fontSize: 16, flowchart: { useMaxWidth: false } });
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
  window.courseDrawPlots = drawPlots;
  drawPlots();
  drawDiagrams();
})();
