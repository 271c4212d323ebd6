using System.Text.Json.Serialization;

namespace Lantern.WebConsole;

/// <summary>Source-generated JSON metadata for the console's login and session documents.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    MaxDepth = 8)]
[JsonSerializable(typeof(ConsoleLoginRequest))]
[JsonSerializable(typeof(ConsoleSessionDto))]
internal sealed partial class ConsoleJsonContext : JsonSerializerContext;
