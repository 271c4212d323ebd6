using System.Text.Json.Serialization;

namespace Lantern.Phones;

/// <summary>Source-generated JSON for the records the phones layer stores.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(StoredSubscription))]
[JsonSerializable(typeof(StoredBinding))]
internal sealed partial class PhonesJsonContext : JsonSerializerContext;
