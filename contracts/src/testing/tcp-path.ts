import { connect, createServer as createTcpServer, type Socket } from "node:net";

/**
 * A TCP relay to a real server that a test can cut and restore: an outage of that server for the one
 * client the test points at the relay. `url` is the target's URL with the relay's port.
 */
export async function createTcpPath(target: URL) {
  const sockets = new Set<Socket>();
  let server = listen(0);
  function listen(port: number) {
    const s = createTcpServer((client) => {
      const upstream = connect(Number(target.port), target.hostname);
      sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on("error", end).on("close", end);
      upstream.on("error", end).on("close", end);
    });
    s.listen(port, "127.0.0.1");
    return s;
  }
  await new Promise((resolve) => server.once("listening", resolve));
  const port = (server.address() as { port: number }).port;
  const url = new URL(target);
  url.hostname = "127.0.0.1";
  url.port = String(port);
  return {
    url: url.toString().replace(/\/$/, ""),
    async cut() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    async restore() {
      server = listen(port);
      await new Promise((resolve) => server.once("listening", resolve));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
