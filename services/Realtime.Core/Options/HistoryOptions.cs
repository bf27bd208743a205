using System.ComponentModel.DataAnnotations;
using Realtime.Core.Bus;
using Realtime.Core.Channels;
using Realtime.Core.History;

namespace Realtime.Core.Options;

/// <summary>
/// History and idempotency settings (section <c>Realtime:History</c>). Namespaces are
/// <c>room</c>, <c>user</c> and <c>broadcast</c>, e.g.
/// <c>Realtime__History__Namespaces__room__MaxMessages=100</c>.
/// </summary>
public sealed class HistoryOptions : IValidatableObject
{
    public const string Section = "Realtime:History";

    public Dictionary<string, NamespaceHistoryOptions> Namespaces { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["room"] = new NamespaceHistoryOptions { MaxMessages = 100, TtlSeconds = 300 },
        ["user"] = new NamespaceHistoryOptions { MaxMessages = 50, TtlSeconds = 300 },
        ["broadcast"] = new NamespaceHistoryOptions { MaxMessages = 0, TtlSeconds = 0 },
    };

    /// <summary>How long an idempotency key is remembered per channel.</summary>
    [Range(0, 7 * 24 * 3600)]
    public int IdempotencyWindowSeconds { get; set; } = 300;

    /// <summary>How long a channel's epoch and top offset outlive its last publish.</summary>
    [Range(60, 365 * 24 * 3600)]
    public int MetaTtlSeconds { get; set; } = 7 * 24 * 3600;

    public HistoryPolicy For(ChannelName channel) =>
        Namespaces.TryGetValue(channel.Namespace, out var ns) && ns.MaxMessages > 0
            ? new HistoryPolicy(ns.MaxMessages, TimeSpan.FromSeconds(ns.TtlSeconds))
            : HistoryPolicy.None;

    /// <summary>The publish options of a channel: its namespace's history policy, the idempotency window and the meta TTL.</summary>
    public PublishOptions PublishOptionsFor(ChannelName channel) =>
        new(For(channel), TimeSpan.FromSeconds(IdempotencyWindowSeconds), TimeSpan.FromSeconds(MetaTtlSeconds));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, ns) in Namespaces)
        {
            if (name is not ("room" or "user" or "broadcast"))
            {
                yield return new ValidationResult($"Realtime:History:Namespaces:{name} is not a namespace; use room, user or broadcast.");
            }

            // ValidateDataAnnotations does not look into dictionary values: each namespace's own
            // attributes ([Range] on MaxMessages and TtlSeconds) are checked here.
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(ns, new ValidationContext(ns), results, validateAllProperties: true))
            {
                foreach (var result in results)
                {
                    yield return new ValidationResult($"Realtime:History:Namespaces:{name}:{string.Join(",", result.MemberNames)}: {result.ErrorMessage}");
                }
            }

            if (ns.TtlSeconds < 0 || (ns.MaxMessages > 0 && ns.TtlSeconds == 0))
            {
                yield return new ValidationResult($"Realtime:History:Namespaces:{name}:TtlSeconds must be > 0 when MaxMessages > 0.");
            }
        }
    }
}
