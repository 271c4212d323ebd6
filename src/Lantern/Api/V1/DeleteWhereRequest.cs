namespace Lantern.Api.V1;

/// <summary>Body of <c>POST /api/v1/mailboxes:delete</c>: exactly one of a regular expression on the id or <c>all: true</c>.</summary>
internal sealed record DeleteWhereRequest(string? Like = null, bool? All = null);
