namespace Lantern.Api;

/// <summary>One condition <c>/readyz</c> requires (store reachable, listeners bound); register any number in DI.</summary>
internal interface IReadinessCheck
{
    /// <summary>Short name shown in the readiness answer.</summary>
    string Name { get; }

    /// <summary>Null when ready, else a sentence naming what is not.</summary>
    ValueTask<string?> CheckAsync(CancellationToken cancellationToken);
}
