using Microsoft.Extensions.Configuration.Json;

namespace Lantern.Configuration;

/// <summary>A JSON configuration file whose provider answers child-key queries from an index (see <see cref="IndexedJsonConfigurationProvider"/>).</summary>
internal sealed class IndexedJsonConfigurationSource : JsonConfigurationSource
{
    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        return new IndexedJsonConfigurationProvider(this);
    }
}
