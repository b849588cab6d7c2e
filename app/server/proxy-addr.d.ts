// proxy-addr ships without types (it comes with Express, which uses it for `trust proxy`).
declare module "proxy-addr" {
  import type { IncomingMessage } from "node:http";

  type Trust = (address: string, hop: number) => boolean;
  function proxyaddr(req: IncomingMessage, trust: Trust | string | string[]): string;
  namespace proxyaddr {
    function all(req: IncomingMessage, trust?: Trust | string | string[]): string[];
    function compile(value: string | string[]): Trust;
  }
  export default proxyaddr;
}
