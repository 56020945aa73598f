// Preloaded into every tslab kernel (node -r) to keep tslab from losing messages under bursts of output.
// 1. tslab sends without awaiting. zeromq 6 defers one send in every 512 to the event loop, and a second
//    send before that one completes throws "Socket is busy writing": an output or the idle status is
//    lost (clients then wait forever), or the error surfaces in the notebook's own display call.
//    With sendTimeout = 0 every send takes zeromq's synchronous path, which is what tslab assumes.
// 2. The iopub PUB socket drops messages beyond its high-water mark (1000) when a cell writes faster than
//    the client reads; a mark of 0 (no limit) queues them instead. It must be set before bind.
// The native methods are read-only, hence defineProperty.
const zmq = require("zeromq");

for (const Socket of [zmq.Publisher, zmq.Router]) {
  const bind = Socket.prototype.bind;
  Object.defineProperty(Socket.prototype, "bind", {
    value: function bindWithoutDrops(address) {
      this.sendTimeout = 0;
      this.sendHighWaterMark = 0;
      return bind.call(this, address);
    },
  });
}
