namespace Lantern.Phones;

/// <summary>Durable storage for subscriptions and contact bindings: opaque JSON records by kind and key (adapted onto the store layer by the host).</summary>
internal interface IPhoneRecordStore
{
    /// <summary>Every record of <paramref name="kind"/>, as stored.</summary>
    ValueTask<IReadOnlyList<string>> LoadAsync(string kind, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces one record.</summary>
    ValueTask PutAsync(string kind, string key, string payload, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>Deletes one record; no error when it is missing.</summary>
    ValueTask DeleteAsync(string kind, string key, CancellationToken cancellationToken);
}
