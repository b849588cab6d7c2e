// "Reveal (recorded in the audit log)": one POST that unmasks the codes, message bodies
// and credential headers of a delivery for an operator. The route's action audits it.
import { Form, useNavigation } from "@remix-run/react";

import { secondaryButtonClass } from "~/components/form-styles";

export function RevealButton({ what }: { what: string }) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "reveal";
  return (
    <Form method="post">
      <button type="submit" name="intent" value="reveal" disabled={busy} className={secondaryButtonClass} title={`Reveal the ${what}`}>
        {busy ? "Revealing…" : "Reveal (recorded in the audit log)"}
      </button>
    </Form>
  );
}
