using System.ComponentModel.DataAnnotations;
using Realtime.Core.Channels;
using Realtime.Core.Options;

namespace Realtime.Core.Tests.Options;

public sealed class HistoryOptionsTests
{
    private static List<ValidationResult> Validate(HistoryOptions options) => [.. options.Validate(new ValidationContext(options))];

    [Fact]
    public void Defaults_AreValid() => Assert.Empty(Validate(new HistoryOptions()));

    [Fact]
    public void NamespaceRangeAttributes_AreEnforced_InsideTheDictionary()
    {
        var options = new HistoryOptions();
        options.Namespaces["room"] = new NamespaceHistoryOptions { MaxMessages = 10, TtlSeconds = 40 * 24 * 3600 };

        var error = Assert.Single(Validate(options));
        Assert.Contains("Namespaces:room:TtlSeconds", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownNamespace_IsNamed()
    {
        var options = new HistoryOptions();
        options.Namespaces["rooms"] = new NamespaceHistoryOptions();
        Assert.Contains(Validate(options), r => r.ErrorMessage!.Contains("rooms is not a namespace", StringComparison.Ordinal));
    }

    [Fact]
    public void PublishOptions_CarryTheNamespacePolicy_SoNoBrokerDerivesIt()
    {
        var options = new HistoryOptions { IdempotencyWindowSeconds = 60, MetaTtlSeconds = 3600 };
        var room = options.PublishOptionsFor(ChannelName.Room("lobby"));
        Assert.Equal(100, room.History.MaxMessages);
        Assert.Equal(TimeSpan.FromMinutes(1), room.IdempotencyWindow);
        Assert.Equal(TimeSpan.FromHours(1), room.MetaTtl);
        Assert.False(options.PublishOptionsFor(ChannelName.Broadcast).History.Enabled);
    }
}
