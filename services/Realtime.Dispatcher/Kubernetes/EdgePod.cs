namespace Realtime.Dispatcher.Kubernetes;

/// <summary>What the dispatcher knows of one edge pod (its name is the edge's SERVER_ID).</summary>
internal sealed record EdgePod(string Name, string Phase, bool Ready, bool Terminating);
