namespace Lantern.Api;

/// <summary>An RFC 9457 problem document; <see cref="Message"/> repeats the detail for ARI clients that read <c>message</c>.</summary>
internal sealed record ApiProblem(
    string Type,
    string Title,
    int Status,
    string Detail,
    string? Instance = null,
    IReadOnlyList<ApiItemError>? Errors = null,
    string? Message = null);
