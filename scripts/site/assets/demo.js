// Draw-a-digit demo: the course's CNN classifies a drawing live. Two models may be at hand: the site's
// (window.DIGIT_MODEL, written by the site build) and one trained live in this browser by notebook 04's page,
// which src/modelio.browser.ts saves at indexeddb://course-digit-cnn with its metadata in localStorage. The
// browser's own is used first (the reader trained it); a button switches between the two.
(function () {
  "use strict";
  var pad = document.getElementById("pad");
  var ctx = pad.getContext("2d", { willReadFrequently: true });
  var preview = document.getElementById("preview").getContext("2d");
  var status = document.getElementById("status");
  var prediction = document.getElementById("prediction");
  var bars = document.getElementById("bars");
  var BROWSER_MODEL = "indexeddb://course-digit-cnn";
  var BROWSER_METADATA = "course-model-metadata:digit-cnn";
  var siteBundle = window.DIGIT_MODEL;
  var siteOrigin = document.getElementById("model-origin").innerHTML;
  var switcher = document.getElementById("switch-model");
  var labels = (siteBundle && siteBundle.metadata.labels) || ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
  var norm = (siteBundle && siteBundle.metadata.normalization) || { mean: 0, std: 1 };
  var model = null;
  var using = null; // "browser" or "site"
  var drawing = false;
  var pending = false;

  labels.forEach(function (label) {
    var item = document.createElement("li");
    item.innerHTML = '<span class="label"></span><span class="bar"><span></span></span><span class="value">–</span>';
    item.querySelector(".label").textContent = label;
    bars.appendChild(item);
  });

  function clear() {
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, pad.width, pad.height);
    preview.clearRect(0, 0, 28, 28);
    prediction.textContent = "–";
    bars.querySelectorAll("li").forEach(function (li) {
      li.classList.remove("top");
      li.querySelector(".bar span").style.width = "0";
      li.querySelector(".value").textContent = "–";
    });
  }

  function base64ToBuffer(text) {
    var bytes = Uint8Array.from(atob(text), function (c) { return c.charCodeAt(0); });
    return bytes.buffer;
  }

  function showInput(input) {
    var image = preview.createImageData(28, 28);
    for (var i = 0; i < input.length; i++) {
      var v = Math.round(input[i] * 255);
      image.data.set([v, v, v, 255], i * 4);
    }
    preview.putImageData(image, 0, 0);
  }

  function classify() {
    pending = false;
    if (!model) return;
    var pixels = ctx.getImageData(0, 0, pad.width, pad.height).data;
    var gray = new Float32Array(pad.width * pad.height);
    for (var i = 0; i < gray.length; i++) gray[i] = pixels[i * 4] / 255; // white ink: red channel suffices
    var input = window.MnistPreprocess.toMnist(gray, pad.width, pad.height);
    if (!input) return;
    showInput(input);
    var shape = [1].concat(model.inputs[0].shape.slice(1)); // (1, 28, 28, 1) or (1, 784)
    var probs = tf.tidy(function () {
      var x = tf.tensor(input, shape).sub(norm.mean).div(norm.std);
      return model.predict(x).dataSync();
    });
    var best = 0;
    for (var k = 1; k < probs.length; k++) if (probs[k] > probs[best]) best = k;
    prediction.textContent = labels[best];
    bars.querySelectorAll("li").forEach(function (li, k) {
      li.classList.toggle("top", k === best);
      li.querySelector(".bar span").style.width = (probs[k] * 100).toFixed(1) + "%";
      li.querySelector(".value").textContent = (probs[k] * 100).toFixed(1) + "%";
    });
  }

  function schedule() {
    if (!pending) {
      pending = true;
      requestAnimationFrame(classify);
    }
  }

  function point(event) {
    var rect = pad.getBoundingClientRect();
    return { x: ((event.clientX - rect.left) * pad.width) / rect.width, y: ((event.clientY - rect.top) * pad.height) / rect.height };
  }

  pad.addEventListener("pointerdown", function (event) {
    drawing = true;
    pad.setPointerCapture(event.pointerId);
    var p = point(event);
    ctx.beginPath();
    ctx.moveTo(p.x, p.y);
    ctx.lineTo(p.x, p.y);
    ctx.stroke();
    event.preventDefault();
  });
  pad.addEventListener("pointermove", function (event) {
    if (!drawing) return;
    var p = point(event);
    ctx.lineTo(p.x, p.y);
    ctx.stroke();
    schedule();
  });
  ["pointerup", "pointercancel"].forEach(function (type) {
    pad.addEventListener(type, function () {
      if (!drawing) return;
      drawing = false;
      schedule();
    });
  });
  document.getElementById("clear").addEventListener("click", clear);

  ctx.strokeStyle = "#fff";
  ctx.lineWidth = 20;
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  clear();
  function browserFacts() {
    try {
      return JSON.parse(localStorage.getItem(BROWSER_METADATA) || "null");
    } catch (e) {
      return null;
    }
  }

  function describeBrowserModel(facts) {
    var origin = document.getElementById("model-origin");
    origin.textContent = "The " + ((facts && facts.model) || "CNN") + " you trained in this browser with notebook 04's page";
    if (facts && facts.dataset) origin.append(" on " + facts.dataset + (facts.profile ? " (" + facts.profile + " parameters)" : ""));
    if (facts && typeof facts.accuracy === "number") origin.append(", " + (100 * facts.accuracy).toFixed(2) + "% on its test set");
    if (facts && facts.date) origin.append(", saved " + new Date(facts.date).toLocaleString());
  }

  function use(which) {
    var loading = which === "browser"
      ? tf.loadLayersModel(BROWSER_MODEL)
      : tf.loadLayersModel(tf.io.fromMemory({ modelTopology: siteBundle.modelTopology, weightSpecs: siteBundle.weightSpecs, weightData: base64ToBuffer(siteBundle.weightData) }));
    status.textContent = "Loading the model…";
    return loading.then(
      function (loaded) {
        if (model) model.dispose();
        model = loaded;
        using = which;
        if (which === "browser") describeBrowserModel(browserFacts());
        else document.getElementById("model-origin").innerHTML = siteOrigin;
        document.getElementById("model-facts").hidden = false;
        document.querySelector(".demo").hidden = false;
        var noModel = document.getElementById("no-model");
        if (noModel) noModel.hidden = true;
        status.textContent = "Model ready (" + tf.getBackend() + " backend). Draw a digit.";
        status.classList.remove("error");
        pad.classList.add("ready");
        clear();
      },
      function (error) {
        status.textContent = "The model could not be loaded: " + error.message;
        status.classList.add("error");
      }
    );
  }

  // The browser's saved models; an empty list where IndexedDB is unavailable (file:// in some browsers, private mode).
  var saved = tf.io.listModels ? tf.io.listModels().catch(function () { return {}; }) : Promise.resolve({});
  saved.then(function (models) {
    var inBrowser = BROWSER_MODEL in models;
    if (inBrowser && siteBundle) {
      switcher.hidden = false;
      switcher.addEventListener("click", function () {
        use(using === "browser" ? "site" : "browser").then(function () {
          switcher.textContent = using === "browser" ? "Use the site's model" : "Use the model trained in this browser";
        });
      });
      switcher.textContent = "Use the site's model";
    }
    if (inBrowser) return use("browser");
    if (siteBundle) return use("site");
  });
})();
