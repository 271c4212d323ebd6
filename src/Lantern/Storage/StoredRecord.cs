namespace Lantern.Storage;

/// <summary>One record of the generic store: <paramref name="Json"/> is opaque to the store.</summary>
/// <param name="ExpiresAt">When the record stops being valid (stored to whole milliseconds), or null for never.</param>
public sealed record StoredRecord(string Kind, string Key, string Json, DateTimeOffset? ExpiresAt)
{
    public const int MaxKindLength = 64;
    public const int MaxKeyLength = 1024;
    public const int MaxJsonLength = 1024 * 1024;

    /// <summary>Cluster mode: the token of the phone's request that last made a node the record's owner (decision 0041); a
    /// delete only removes the record while this is still the claim the deleting node knew. Zero on a single-node store.</summary>
    public long Claim { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the problem when a field is out of bounds.</summary>
    public void Validate()
    {
        CheckKind(Kind);
        CheckKey(Key);
        ArgumentNullException.ThrowIfNull(Json);
        if (Json.Length > MaxJsonLength)
        {
            throw new ArgumentException($"record {Kind}/{Key}: value has {Json.Length} characters; at most {MaxJsonLength} are allowed", nameof(Json));
        }
    }

    public static void CheckKind(string kind)
    {
        if (string.IsNullOrEmpty(kind) || kind.Length > MaxKindLength)
        {
            throw new ArgumentException($"record kind must be 1-{MaxKindLength} characters", nameof(kind));
        }
    }

    public static void CheckKey(string key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > MaxKeyLength)
        {
            throw new ArgumentException($"record key must be 1-{MaxKeyLength} characters", nameof(key));
        }
    }
}
