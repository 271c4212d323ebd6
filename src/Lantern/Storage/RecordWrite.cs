namespace Lantern.Storage;

/// <summary>One write of a record batch: a put when <paramref name="Json"/> or <see cref="Utf8Json"/> is set, a delete when
/// neither is.</summary>
/// <param name="ExpiresAt">When the record stops being valid, or null for never; ignored for a delete.</param>
public readonly record struct RecordWrite(string Kind, string Key, string? Json, DateTimeOffset? ExpiresAt)
{
    /// <summary>A put's value as UTF-8, when <see cref="Json"/> is null: the record writer serializes a batch into one reused
    /// buffer, valid until the batch's write returns, and SQLite binds it as it is (no string, no copy per record).</summary>
    public ReadOnlyMemory<byte> Utf8Json { get; init; }

    /// <summary>Neither <see cref="Json"/> nor <see cref="Utf8Json"/>: the record is deleted.</summary>
    public bool IsDelete => Json is null && Utf8Json.IsEmpty;

    /// <summary>The value as a string (null for a delete), for stores that bind text.</summary>
    public string? JsonText => Json ?? (Utf8Json.IsEmpty ? null : System.Text.Encoding.UTF8.GetString(Utf8Json.Span));

    /// <summary>For a put: only replace the record while this node owns it, never create it (in cluster mode a node's own
    /// bookkeeping, such as a CSeq reservation, must not take back a record a phone moved to another node). Puts without it
    /// make this node the owner; deletes only ever delete what this node owns.</summary>
    public bool OnlyIfOwned { get; init; }

    /// <summary>Cluster mode, a put that makes this node the owner: the token stored as the record's claim (see
    /// <see cref="StoredRecord.Claim"/>).</summary>
    public long Claim { get; init; }

    /// <summary>Cluster mode, a delete: the claims the record may carry as this node last knew it (loaded, or written by its
    /// own puts whose outcome it may not know). The delete removes the record whoever owns it now when its claim is one of
    /// these, so a dialog the phone ended here ends on the node that took it over too, and never when another node has
    /// claimed it since for a newer request of the phone (decision 0041).</summary>
    public IReadOnlyList<long>? Claims { get; init; }

    /// <summary>Cluster mode, a delete for the phone's own unsubscribe: removes the record whoever owns it and whatever its
    /// claim, since no later request of the phone can re-establish an unsubscribed dialog (decision 0045).</summary>
    public bool Unconditional { get; init; }

    /// <summary>A new claim token: random, so nodes need no coordination to make distinct ones.</summary>
    public static long NewClaim() => Random.Shared.NextInt64(1, long.MaxValue);

    /// <summary>Throws <see cref="ArgumentException"/> naming the problem when a field is out of bounds.</summary>
    public void Validate()
    {
        StoredRecord.CheckKind(Kind);
        StoredRecord.CheckKey(Key);
        if (Json is { Length: > StoredRecord.MaxJsonLength })
        {
            throw new ArgumentException($"record {Kind}/{Key}: value has {Json.Length} characters; at most {StoredRecord.MaxJsonLength} are allowed", nameof(Json));
        }

        if (Utf8Json.Length > StoredRecord.MaxJsonLength)
        {
            throw new ArgumentException($"record {Kind}/{Key}: value has {Utf8Json.Length} bytes; at most {StoredRecord.MaxJsonLength} are allowed", nameof(Utf8Json));
        }
    }

    /// <summary>Validates every write of a batch; false when there is nothing to write.</summary>
    public static bool ValidateBatch(IReadOnlyList<RecordWrite> writes)
    {
        ArgumentNullException.ThrowIfNull(writes);
        foreach (var write in writes)
        {
            write.Validate();
        }

        return writes.Count > 0;
    }
}
