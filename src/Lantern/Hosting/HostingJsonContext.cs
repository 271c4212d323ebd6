using System.Text.Json.Serialization;

namespace Lantern.Hosting;

/// <summary>Source-generated JSON for the composition root's own routes.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ReloadResult))]
internal sealed partial class HostingJsonContext : JsonSerializerContext;
