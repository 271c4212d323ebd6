using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Lantern.Phones;

/// <summary>Reads stored JSON records: an unreadable or incomplete row is skipped (null), never fatal.</summary>
internal static class StoredJson
{
    public static T? Read<T>(string json, JsonTypeInfo<T> type, Func<T, bool> isComplete)
        where T : class
    {
        try
        {
            var value = JsonSerializer.Deserialize(json, type);
            return value is not null && isComplete(value) ? value : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
