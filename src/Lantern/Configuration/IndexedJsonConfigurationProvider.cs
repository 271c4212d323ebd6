using Microsoft.Extensions.Configuration.Json;

namespace Lantern.Configuration;

/// <summary>The JSON provider with an index of child keys per parent path.</summary>
/// <remarks>The stock provider scans every key on each child-key query, and binding a list asks once per item, so a file
/// with thousands of endpoints took minutes to bind. The index makes each query cost only the children it returns.</remarks>
internal sealed class IndexedJsonConfigurationProvider : JsonConfigurationProvider
{
    private Dictionary<string, HashSet<string>> _children = new(StringComparer.OrdinalIgnoreCase);

    public IndexedJsonConfigurationProvider(JsonConfigurationSource source)
        : base(source)
    {
    }

    public override void Load(Stream stream)
    {
        base.Load(stream);
        var index = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in Data.Keys)
        {
            AddToIndex(index, key);
        }

        _children = index;
    }

    public override void Set(string key, string? value)
    {
        base.Set(key, value);
        AddToIndex(_children, key);
    }

    public override IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath)
    {
        var results = new List<string>(earlierKeys);
        if (_children.TryGetValue(parentPath ?? string.Empty, out var mine))
        {
            results.AddRange(mine);
        }

        results.Sort(ConfigurationKeyComparer.Instance);
        return results;
    }

    private static void AddToIndex(Dictionary<string, HashSet<string>> index, string key)
    {
        var start = 0;
        while (true)
        {
            var colon = key.IndexOf(':', start);
            var parent = start == 0 ? string.Empty : key[..(start - 1)];
            var segment = colon < 0 ? key[start..] : key[start..colon];
            if (!index.TryGetValue(parent, out var set))
            {
                set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                index[parent] = set;
            }

            set.Add(segment);
            if (colon < 0)
            {
                return;
            }

            start = colon + 1;
        }
    }
}
