// Draw-a-digit demo: the course's CNN (window.DIGIT_MODEL, written by the site build) classifies a drawing live.
(function () {
  "use strict";
  var pad = document.getElementById("pad");
  var ctx = pad.getContext("2d", { willReadFrequently: true });
  var preview = document.getElementById("preview").getContext("2d");
  var status = document.getElementById("status");
  var prediction = document.getElementById("prediction");
  var bars = document.getElementById("bars");
  var bundle = window.DIGIT_MODEL;
  var labels = bundle.metadata.labels || ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
  var norm = bundle.metadata.normalization || { mean: 0, std: 1 };
  var model = null;
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
  tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: bundle.modelTopology, weightSpecs: bundle.weightSpecs, weightData: base64ToBuffer(bundle.weightData) })
  ).then(
    function (loaded) {
      model = loaded;
      status.textContent = "Model ready (" + tf.getBackend() + " backend). Draw a digit.";
      pad.classList.add("ready");
    },
    function (error) {
      status.textContent = "The model could not be loaded: " + error.message;
      status.classList.add("error");
    }
  );
})();
