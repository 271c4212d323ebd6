using Lantern.Configuration;

namespace Lantern.Tests.Configuration;

/// <summary>Loads a configuration from JSON text through a temporary file, as <c>--config</c> would.</summary>
internal static class ConfigJson
{
    public static LanternOptions Load(string json, List<string> errors)
    {
        var path = Path.Combine(Path.GetTempPath(), $"lantern-config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        try
        {
            return LanternConfigurationLoader.Load(path, includeEnvironment: false, errors);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
