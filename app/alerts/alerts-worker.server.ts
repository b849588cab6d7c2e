// The worker-loop tasks for issues: evaluate conditions every HOOKLINE_ALERT_EVAL_MS,
// and send the notification outbox (often, so a notification follows its change
// within about a second). Never on the ingest path.
import { env } from "~/config/env.server";
import type { DatabaseHandle } from "~/db/prisma.server";
import { dispatchConfig } from "~/dispatch/dispatch-config.server";
import type { WorkerTask } from "~/worker/worker.server";
import { evaluateIssues, newEvaluatorState, type EvaluateOptions } from "./evaluate-issues.server";
import { NotificationSender, type SenderOptions } from "./send-notifications.server";

export interface AlertWorkerOptions {
  evalMs: number;
  resolveAfterMs: number;
  thresholds?: EvaluateOptions["thresholds"];
  sender: Partial<SenderOptions> & Pick<SenderOptions, "retrySchedule" | "allowlist" | "smtp">;
  notifyIntervalMs?: number;
}

export function alertOptionsFromEnv(): AlertWorkerOptions {
  const config = env();
  const dispatch = dispatchConfig();
  return {
    evalMs: config.HOOKLINE_ALERT_EVAL_MS,
    resolveAfterMs: config.HOOKLINE_ALERT_RESOLVE_AFTER_MS,
    sender: {
      retrySchedule: dispatch.retrySchedule,
      allowlist: dispatch.allowlist,
      leaseMarginMs: dispatch.leaseMarginMs,
      smtp: { url: config.HOOKLINE_SMTP_URL ?? null, from: config.HOOKLINE_MAIL_FROM ?? null },
    },
  };
}

export class AlertWorker {
  readonly sender: NotificationSender;
  readonly #state = newEvaluatorState();
  readonly #handle: DatabaseHandle;
  readonly options: AlertWorkerOptions;

  constructor(handle: DatabaseHandle, options: AlertWorkerOptions = alertOptionsFromEnv()) {
    this.#handle = handle;
    this.options = options;
    this.sender = new NotificationSender(handle, options.sender);
  }

  evaluate(now?: number, overrides: Partial<Pick<EvaluateOptions, "resolveAfterMs" | "thresholds" | "kinds">> = {}) {
    return evaluateIssues(this.#handle, {
      now,
      kinds: overrides.kinds,
      resolveAfterMs: overrides.resolveAfterMs ?? this.options.resolveAfterMs,
      thresholds: { ...this.options.thresholds, ...overrides.thresholds },
      state: this.#state,
    });
  }

  workerTasks(): WorkerTask[] {
    return [
      {
        name: "issues-evaluate",
        intervalMs: this.options.evalMs,
        run: async () => {
          const result = await this.evaluate();
          // A change was written: send it now rather than on the next notify turn.
          if (result.opened.length || result.reopened.length || result.resolved.length) await this.sender.sendDue();
          return false;
        },
      },
      {
        name: "issues-notify",
        intervalMs: this.options.notifyIntervalMs ?? 500,
        run: async () => {
          await this.sender.sendDue();
          return false;
        },
        stop: () => this.sender.idle(),
      },
    ];
  }
}

const workers = new WeakMap<DatabaseHandle, AlertWorker>();
function alertWorkerFor(handle: DatabaseHandle): AlertWorker {
  let worker = workers.get(handle);
  if (!worker) workers.set(handle, (worker = new AlertWorker(handle)));
  return worker;
}

/** The worker loop's issue tasks, for whichever database handle the loop runs them with. */
export function alertWorkerTasks(): WorkerTask[] {
  const names = ["issues-evaluate", "issues-notify"] as const;
  return names.map((name, index) => ({
    name,
    // Read when the loop starts; a bad value fails start-up like any other env error.
    intervalMs: index === 0 ? env().HOOKLINE_ALERT_EVAL_MS : 500,
    run: (handle: DatabaseHandle) => alertWorkerFor(handle).workerTasks()[index]!.run(handle),
    stop: index === 1 ? async (handle: DatabaseHandle) => workers.get(handle)?.sender.idle() : undefined,
  }));
}
