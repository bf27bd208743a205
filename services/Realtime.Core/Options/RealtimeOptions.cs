using System.ComponentModel.DataAnnotations;
using Realtime.Core.Channels;

namespace Realtime.Core.Options;

/// <summary>
/// Process-wide settings (section <c>Realtime</c>). <c>SERVER_ID</c> and
/// <c>ENABLE_WEBSOCKET_CLUSTERING</c> are accepted as aliases.
/// </summary>
public sealed class RealtimeOptions
{
    public const string Section = "Realtime";

    /// <summary>This instance's id; in Kubernetes the pod name. Defaults to the host name.</summary>
    [Required]
    [RegularExpression(ChannelName.IdPattern, ErrorMessage = "Realtime:ServerId (SERVER_ID) may contain only " + ChannelName.IdChars + " (1..100 chars).")]
    public string ServerId { get; set; } = Environment.MachineName;

    /// <summary>false = one instance with the in-process broker and no Redis.</summary>
    public bool EnableClustering { get; set; } = true;
}
