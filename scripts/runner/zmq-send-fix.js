// Preloaded into every tslab kernel (node -r). tslab sends on its zeromq sockets without awaiting. zeromq 6
// defers one send in every 512 to the event loop, and a second send before that one completes throws
// "Socket is busy writing": the kernel loses an output or its idle status (clients then wait forever),
// or the error surfaces in the notebook's own display call. With sendTimeout = 0 every send takes
// zeromq's synchronous path, which is what tslab assumes. (The native method is read-only: defineProperty.)
const zmq = require("zeromq");

for (const Socket of [zmq.Publisher, zmq.Router]) {
  const send = Socket.prototype.send;
  Object.defineProperty(Socket.prototype, "send", {
    value: function sendWithoutDeferring(message) {
      if (this.sendTimeout !== 0) this.sendTimeout = 0;
      return send.call(this, message);
    },
  });
}
