using System.Text.Json.Serialization;

namespace Realtime.Edge.Protocol;

/// <summary>Source-generated (reflection-free) serialization of the client protocol's commands.</summary>
[JsonSourceGenerationOptions(MaxDepth = 4, NumberHandling = JsonNumberHandling.Strict, AllowTrailingCommas = false)]
[JsonSerializable(typeof(ClientCommand.Wire))]
internal sealed partial class ProtocolJsonContext : JsonSerializerContext;
