using System.Reflection;
using Realtime.Client.Reconnect;
using Realtime.TestKit.Protocol;

namespace Realtime.Client.Tests.Protocol;

/// <summary>The SDK's close codes, reactions and defaults are those of protocol/close-codes.json and protocol/client-defaults.json.</summary>
public sealed class ProtocolTableTests
{
    public static TheoryData<int, string, string> Rows
    {
        get
        {
            var data = new TheoryData<int, string, string>();
            foreach (var row in ProtocolDefinition.Read("close-codes.json")["codes"]!.AsArray())
            {
                data.Add(row!["code"]!.GetValue<int>(), row["name"]!.GetValue<string>(), row["reconnect"]!.GetValue<string>());
            }

            return data;
        }
    }

    [Fact]
    public void RealtimeCloseCodes_AreExactlyTheTable()
    {
        var table = ProtocolDefinition.Read("close-codes.json")["codes"]!.AsArray()
            .Select(r => (Name: r!["name"]!.GetValue<string>(), Code: r["code"]!.GetValue<int>()))
            .OrderBy(r => r.Name, StringComparer.Ordinal);
        var sdk = typeof(RealtimeCloseCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (f.Name, Code: (int)f.GetRawConstantValue()!))
            .OrderBy(r => r.Name, StringComparer.Ordinal);
        Assert.Equal(table, sdk);
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Decide_FollowsTheTable(int code, string name, string reconnect)
    {
        var (withRenewal, withoutRenewal) = reconnect switch
        {
            "no" => (ReconnectAction.Stop, ReconnectAction.Stop),
            "backoff" => (ReconnectAction.Backoff, ReconnectAction.Backoff),
            "immediately" => (ReconnectAction.Immediate, ReconnectAction.Immediate),
            "with-new-token" => (ReconnectAction.RenewToken, ReconnectAction.Stop),
            _ => throw new InvalidDataException($"{name}: unknown reaction {reconnect}"),
        };
        Assert.Equal(withRenewal, RealtimeCloseCodes.Decide(code, canRenewToken: true));
        Assert.Equal(withoutRenewal, RealtimeCloseCodes.Decide(code, canRenewToken: false));
    }

    [Fact]
    public void NoCloseFrameAndUnknownCodes_BackOff()
    {
        var table = ProtocolDefinition.Read("close-codes.json");
        Assert.Equal("backoff", table["noCloseFrame"]!.GetValue<string>());
        Assert.Equal("backoff", table["unknownCode"]!.GetValue<string>());
        Assert.Equal(ReconnectAction.Backoff, RealtimeCloseCodes.Decide(null, canRenewToken: false));
        Assert.Equal(ReconnectAction.Backoff, RealtimeCloseCodes.Decide(4999, canRenewToken: false));
    }

    [Fact]
    public void OptionDefaults_AreTheSharedClientDefaults()
    {
        var defaults = ProtocolDefinition.Read("client-defaults.json");
        var options = new RealtimeClientOptions();
        Assert.Equal(RealtimeClient.Subprotocol, defaults["subprotocol"]!.GetValue<string>());
        Assert.Equal(defaults["reconnect"]!["minDelayMs"]!.GetValue<double>(), options.MinReconnectDelay.TotalMilliseconds);
        Assert.Equal(defaults["reconnect"]!["maxDelayMs"]!.GetValue<double>(), options.MaxReconnectDelay.TotalMilliseconds);
        Assert.Equal(defaults["connectTimeoutMs"]!.GetValue<double>(), options.ConnectTimeout.TotalMilliseconds);
        Assert.Equal(defaults["livenessIntervals"]!.GetValue<double>(), options.LivenessIntervals);
        Assert.Equal("full", defaults["reconnect"]!["jitter"]!.GetValue<string>());

        // Full jitter with the exponent capped: the ceiling stops growing at min·2^maxExponent.
        var exponent = defaults["reconnect"]!["maxExponent"]!.GetValue<int>();
        var policy = new BackoffPolicy(TimeSpan.FromTicks(1), TimeSpan.MaxValue);
        Assert.Equal(policy.Ceiling(exponent), policy.Ceiling(exponent + 5));
        Assert.True(policy.Ceiling(exponent) > policy.Ceiling(exponent - 1));
    }
}
