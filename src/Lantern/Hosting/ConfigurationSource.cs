namespace Lantern.Hosting;

/// <summary>Where the running configuration came from, so a reload reads the same file and overrides.</summary>
internal sealed record ConfigurationSource(string? File, IReadOnlyList<KeyValuePair<string, string?>> Overrides);
