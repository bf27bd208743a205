namespace Realtime.Operator.Resources;

/// <summary>How clients reach the edges: nothing (Service only), an Ingress, or a Gateway API HTTPRoute.</summary>
internal sealed class ExposureSpec
{
    public const string None = "None";
    public const string Ingress = "Ingress";
    public const string Gateway = "Gateway";

    public string Type { get; set; } = None;

    public string? Host { get; set; }

    public string? IngressClassName { get; set; }

    public string? TlsSecretName { get; set; }

    /// <summary>Gateway (name, optional namespace) the HTTPRoute attaches to.</summary>
    public string? GatewayName { get; set; }

    public string? GatewayNamespace { get; set; }

    /// <summary>Idle timeout of a WebSocket through the proxy (longer than the ping interval).</summary>
    public int WebSocketTimeoutSeconds { get; set; } = 3600;

    /// <summary><c>appProtocol</c> of the edge Service port (some gateways need <c>kubernetes.io/ws</c>).</summary>
    public string AppProtocol { get; set; } = "http";
}
