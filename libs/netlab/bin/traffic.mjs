#!/usr/bin/env node
// Small traffic tool run inside lab namespaces (`ip netns exec NS node traffic.mjs …`): exact
// packet sizes and write patterns that iperf3 and ping cannot produce. Prints one JSON line.
import { createServer, connect } from 'node:net';
import { createSocket } from 'node:dgram';

const usage = `usage: traffic.mjs <command> …
  udp-sink PORT SECONDS               count datagrams received on [::]:PORT for SECONDS
                                      (or until SIGTERM), then print the count
  udp-stream ADDRESS PORT PPS SIZE    send datagrams of SIZE bytes at PPS per second until
                                      SIGTERM, then print how many were sent
  udp-send ADDRESS PORT COUNT SIZE    send COUNT datagrams of SIZE bytes (1 ms apart)
  tcp-sink PORT                       accept one connection, count bytes, reply with the count
  tcp-writes ADDRESS PORT COUNT SIZE  COUNT separate writes of SIZE bytes (TCP_NODELAY), then
                                      wait up to 10 s for the sink's count`;

const [command, ...args] = process.argv.slice(2);
const print = (result) => process.stdout.write(JSON.stringify(result) + '\n');
const fail = (message) => {
  process.stderr.write(`traffic.mjs: ${message}\n`);
  process.exit(1);
};

switch (command) {
  case 'udp-sink': {
    const [port, seconds] = args.map(Number);
    const socket = createSocket({ type: 'udp6' });
    let datagrams = 0;
    let bytes = 0;
    socket.on('message', (message) => {
      datagrams++;
      bytes += message.length;
    });
    socket.bind(port, '::', () => print({ event: 'listening', port }));
    const finish = () => {
      print({ datagrams, bytes });
      process.exit(0);
    };
    setTimeout(finish, seconds * 1000);
    process.on('SIGTERM', finish);
    break;
  }
  case 'udp-stream': {
    const [address, portText, ppsText, sizeText] = args;
    const [port, pps, size] = [portText, ppsText, sizeText].map(Number);
    const socket = createSocket({ type: 'udp6' });
    const payload = Buffer.alloc(size, 0x5a);
    const started = process.hrtime.bigint();
    let queued = 0;
    let sent = 0;
    // Catch up to the schedule every millisecond: PPS stays exact even when timers are late.
    const timer = setInterval(() => {
      const due = (Number((process.hrtime.bigint() - started) / 1000n) * pps) / 1e6;
      while (queued < due) {
        queued++;
        socket.send(payload, port, address, (error) => {
          if (!error) sent++;
        });
      }
    }, 1);
    process.on('SIGTERM', () => {
      clearInterval(timer);
      setTimeout(() => {
        print({ sent });
        socket.close(() => process.exit(0));
      }, 20);
    });
    print({ event: 'sending', pps });
    break;
  }
  case 'udp-send': {
    const [address, portText, countText, sizeText] = args;
    const [port, count, size] = [portText, countText, sizeText].map(Number);
    const socket = createSocket({ type: 'udp6' });
    const payload = Buffer.alloc(size, 0x5a);
    let sent = 0;
    const next = () => {
      if (sent === count) {
        print({ sent });
        socket.close();
        return;
      }
      socket.send(payload, port, address, (error) => {
        if (error) fail(`send: ${error.message}`);
        sent++;
        setTimeout(next, 1);
      });
    };
    next();
    break;
  }
  case 'tcp-sink': {
    const port = Number(args[0]);
    const server = createServer((socket) => {
      let bytes = 0;
      socket.on('data', (chunk) => (bytes += chunk.length));
      socket.on('end', () => {
        socket.end(JSON.stringify({ bytes }));
        server.close();
      });
    });
    server.listen(port, '::', () => print({ event: 'listening', port }));
    break;
  }
  case 'tcp-writes': {
    const [address, portText, countText, sizeText] = args;
    const [port, count, size] = [portText, countText, sizeText].map(Number);
    const timer = setTimeout(() => fail(`no answer within 10 s (black hole?)`), 10000);
    const socket = connect({ host: address, port, noDelay: true }, async () => {
      for (let i = 0; i < count; i++) {
        socket.write(Buffer.alloc(size, 0x61));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      socket.end();
    });
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('end', () => {
      clearTimeout(timer);
      print({ sent: count * size, received: JSON.parse(answer).bytes });
    });
    socket.on('error', (error) => fail(error.message));
    break;
  }
  default:
    process.stdout.write(usage + '\n');
    process.exit(command === '--help' || command === '-h' ? 0 : 2);
}
