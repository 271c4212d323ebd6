namespace Lantern.Api.V1;

/// <summary>The answer of <c>/readyz</c>: every check's name and problem (null when fine).</summary>
internal sealed record ReadinessDto(bool Ready, IReadOnlyDictionary<string, string?> Checks);
