import { redirect, type LoaderFunctionArgs } from "@remix-run/node";

import { requireUser } from "~/auth/session.server";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  throw redirect("/settings/tokens");
}
