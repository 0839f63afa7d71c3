/**
 * What the primary and its workers tell each other over the cluster's IPC
 * channel. Tagged so that an application's own messages on the same
 * channel are left alone.
 */
export type ClusterMessage =
  /** Worker → primary: serving on `url`. */
  | { readonly chatkitRxCluster: "listening"; readonly url: string }
  /** Worker → primary: `start` was misused (a store one process owns, say); restarting will not help. */
  | { readonly chatkitRxCluster: "refused"; readonly message: string }
  /** Primary → worker: stop taking requests, finish the ones in flight, exit. */
  | { readonly chatkitRxCluster: "stop" };

export function isClusterMessage(message: unknown): message is ClusterMessage {
  return (
    typeof message === "object" &&
    message !== null &&
    typeof (message as { chatkitRxCluster?: unknown }).chatkitRxCluster === "string"
  );
}
