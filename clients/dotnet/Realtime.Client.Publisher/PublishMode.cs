namespace Realtime.Client.Publisher;

/// <summary>How a <see cref="RealtimePublisher"/> talks to the dispatcher.</summary>
public enum PublishMode
{
    /// <summary>
    /// One long-lived <c>PublishStream</c>: messages are published in the order the publish methods
    /// are called, with many in flight at once (no round trip per message). The default.
    /// </summary>
    Stream,

    /// <summary>One unary <c>Publish</c> call per message: concurrent calls have no order between them.</summary>
    Unary,
}
