using Microsoft.AspNetCore.Mvc;
using System.Globalization;
using Lantern.Mailboxes;
using Microsoft.OpenApi;

namespace Lantern.Api.V1;

/// <summary>The native mailbox API under <c>/api/v1</c>.</summary>
internal static class MailboxEndpoints
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
    public const int MaxBatchItems = 10_000;

    private static readonly (string Name, string Description)[] ListParameters =
    [
        ("context", "Only mailboxes of this context."),
        ("prefix", "Only ids starting with this text."),
        ("waiting", "true: only mailboxes with new messages; false: only without."),
        ("source", "Only mailboxes owned by this source: api, upstream:NAME, peer:NAME, spool:NAME."),
        ("like", "Only ids matching this regular expression (unanchored, linear-time engine)."),
        ("limit", "Page size, 1..1000 (default 100)."),
        ("after", "Cursor: the `next` of the previous page."),
    ];

    public static void Map(IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1").WithTags("mailboxes");

        group.MapGet("/mailboxes", List)
            .WithName("listMailboxes")
            .WithSummary("List mailboxes")
            .WithDescription("Filtered by context, id prefix, waiting state, source and `like` (regular expression on the id); ordered by id and paged with the cursor `after` (the `next` of the previous page). `limit` defaults to 100, at most 1000.")
            .Produces<MailboxListDto>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.Parameters ??= [];
                foreach (var (name, description) in ListParameters)
                {
                    operation.Parameters.Add(new OpenApiParameter
                    {
                        Name = name,
                        In = ParameterLocation.Query,
                        Description = description,
                        Schema = new OpenApiSchema { Type = name is "limit" ? JsonSchemaType.Integer : name is "waiting" ? JsonSchemaType.Boolean : JsonSchemaType.String },
                    });
                }

                return Task.CompletedTask;
            });

        group.MapGet("/mailboxes/{id}", Get)
            .WithName("getMailbox")
            .WithSummary("Get one mailbox")
            .WithDescription("The full mailbox: counts per class incl. urgent, waiting, version, source, updatedAt. The ETag header carries the version.")
            .Produces<MailboxDto>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/mailboxes/{id}/history", History)
            .WithName("getMailboxHistory")
            .WithSummary("A mailbox's recent changes")
            .WithDescription("The last 100 committed changes of the mailbox, newest first: time, kind (created, updated, deleted, lapsed, resumed), owner source, actor (api:USER, ami:USER, cli:USER, upstream:NAME, peer:NAME, spool:NAME) and the counts before and after. Kept after the mailbox is deleted; 404 only when there is neither a mailbox nor any history.")
            .Produces<MailboxHistoryDto>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPut("/mailboxes/{id}", Put)
            .WithName("putMailbox")
            .WithSummary("Set a mailbox's counts")
            .WithDescription("Replaces the counts of every class (a class left out is not held; a field left out is 0). Creates the mailbox (source api) when missing. Optional If-Match: \"<version>\" (412 on mismatch). Returns the stored mailbox.")
            .Accepts<MailboxCountsDto>("application/json")
            .Produces<MailboxDto>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        group.MapPatch("/mailboxes/{id}", Patch)
            .WithName("patchMailbox")
            .WithSummary("Change a mailbox's counts relatively")
            .WithDescription("Atomic deltas per class (newDelta, oldDelta, urgentNewDelta, urgentOldDelta), e.g. {\"voice\":{\"newDelta\":-1,\"oldDelta\":1}} when a message is read. A result below zero or with urgent above its total is 409, never clamped.")
            .Accepts<MailboxDeltaDto>("application/json")
            .Produces<MailboxDto>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        group.MapDelete("/mailboxes/{id}", Delete)
            .WithName("deleteMailbox")
            .WithSummary("Delete a mailbox")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/mailboxes:delete", DeleteWhere)
            .WithName("deleteMailboxes")
            .WithSummary("Delete many mailboxes")
            .WithDescription("Body {\"like\": \"<regex>\"} (unanchored search on the id, linear-time engine, no backreferences) or {\"all\": true}. Only mailboxes owned by source api are deleted. Returns the count.")
            .Accepts<DeleteWhereRequest>("application/json")
            .Produces<DeleteWhereResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

        group.MapPost("/mailboxes:batch", Batch)
            .WithName("batchMailboxes")
            .WithSummary("Set many mailboxes atomically")
            .WithDescription("Up to 10,000 items {\"id\", \"counts\"} (counts as in PUT), applied in one transaction. One bad item rejects the whole batch; the problem lists each bad item's index and reason in `errors`.")
            .Accepts<BatchRequest>("application/json")
            .Produces<BatchResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        group.MapGet("/events", EventStreamEndpoint.StreamAsync)
            .WithName("mailboxEvents")
            .WithSummary("Server-Sent Events of mailbox changes")
            .WithDescription("One `mailbox` event per committed change (id = feed sequence; data: sequence, kind, id, version, counts, waiting, source, time). Send Last-Event-ID to resume; when changes were lost a `resync` event says to re-read. Optional `like` filters ids by regular expression.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
    }

    internal static IResult List(HttpRequest request, [FromServices] IMailboxService mailboxes)
    {
        var q = request.Query;
        var limit = DefaultLimit;
        if (q.TryGetValue("limit", out var limitText)
            && (!int.TryParse(limitText.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit))
        {
            return ApiProblems.BadRequest($"limit must be an integer 1..{MaxLimit}, got \"{limitText}\"");
        }

        bool? waiting = null;
        if (q.TryGetValue("waiting", out var waitingText))
        {
            if (!bool.TryParse(waitingText.ToString(), out var w))
            {
                return ApiProblems.BadRequest($"waiting must be true or false, got \"{waitingText}\"");
            }

            waiting = w;
        }

        MailboxSource? source = null;
        if (q.TryGetValue("source", out var sourceText))
        {
            if (!MailboxSource.TryParse(sourceText.ToString(), out var s))
            {
                return ApiProblems.BadRequest($"source must be api, upstream:NAME, peer:NAME or spool:NAME, got \"{sourceText}\"");
            }

            source = s;
        }

        var context = Optional(q, "context");
        if (context is not null && !MailboxId.IsValidPart(context))
        {
            return ApiProblems.BadRequest($"context \"{context}\" is not a valid context name");
        }

        var after = Optional(q, "after");
        if (after is not null && !MailboxId.TryParse(after, out _, out var afterError))
        {
            return ApiProblems.BadRequest("after: " + afterError);
        }

        Func<MailboxId, bool>? match = null;
        if (Optional(q, "like") is { } like)
        {
            if (!IdPattern.TryCreate(like, out var m, out var likeError))
            {
                return ApiProblems.BadRequest("like: " + likeError);
            }

            match = m;
        }

        // One more than asked tells whether another page exists.
        var found = mailboxes.List(new MailboxQuery(context, Optional(q, "prefix"), waiting, source, after, limit + 1, match));
        var count = Math.Min(found.Count, limit);
        var items = new MailboxDto[count];
        for (var i = 0; i < count; i++)
        {
            items[i] = MailboxMapping.ToDto(found[i]);
        }

        var next = found.Count > limit ? items[^1].Id : null;
        return Results.Json(new MailboxListDto(items, next), ApiJsonContext.Default.MailboxListDto);
    }

    internal static IResult Get(string id, HttpResponse response, [FromServices] IMailboxService mailboxes)
    {
        if (!ApiRequests.TryParseId(id, out var mailboxId, out var problem))
        {
            return problem!;
        }

        var mailbox = mailboxes.Find(mailboxId);
        return mailbox is null ? ApiProblems.NotFound(mailboxId) : Stored(response, mailbox);
    }

    internal static async Task<IResult> Put(string id, HttpRequest request, [FromServices] IMailboxService mailboxes, CancellationToken cancellationToken)
    {
        if (!ApiRequests.TryParseId(id, out var mailboxId, out var problem) || !ApiRequests.TryParseIfMatch(request, out var expected, out problem))
        {
            return problem!;
        }

        var body = await ApiRequests.ReadJsonAsync(request, ApiJsonContext.Default.MailboxCountsDto, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        if (!MailboxMapping.TryToCounts(body.Value, out var counts, out var error))
        {
            return ApiProblems.Result(StatusCodes.Status400BadRequest, "invalid-counts", "Invalid counts", error);
        }

        var result = await mailboxes.UpdateAsync(mailboxId, MailboxSource.Api, MailboxUpdate.Replace(counts), expected, cancellationToken);
        return Written(request.HttpContext.Response, mailboxId, result, invalidIsConflict: false);
    }

    internal static async Task<IResult> Patch(string id, HttpRequest request, [FromServices] IMailboxService mailboxes, CancellationToken cancellationToken)
    {
        if (!ApiRequests.TryParseId(id, out var mailboxId, out var problem) || !ApiRequests.TryParseIfMatch(request, out var expected, out problem))
        {
            return problem!;
        }

        var body = await ApiRequests.ReadJsonAsync(request, ApiJsonContext.Default.MailboxDeltaDto, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        if (!MailboxMapping.TryToDeltas(body.Value, out var deltas, out var error))
        {
            return ApiProblems.BadRequest(error);
        }

        var result = await mailboxes.UpdateAsync(mailboxId, MailboxSource.Api, MailboxUpdate.Delta(deltas), expected, cancellationToken);
        return Written(request.HttpContext.Response, mailboxId, result, invalidIsConflict: true);
    }

    internal static async Task<IResult> History(string id, [FromServices] IMailboxService mailboxes, CancellationToken cancellationToken)
    {
        if (!ApiRequests.TryParseId(id, out var mailboxId, out var problem))
        {
            return problem!;
        }

        var history = await mailboxes.HistoryAsync(mailboxId, cancellationToken);
        var exists = mailboxes.Find(mailboxId) is not null;
        if (history.Count == 0 && !exists)
        {
            return ApiProblems.Result(StatusCodes.Status404NotFound, "mailbox-not-found", "Mailbox not found", $"mailbox {mailboxId} does not exist and has no recorded history");
        }

        return Results.Json(MailboxMapping.ToDto(mailboxId, exists, history), ApiJsonContext.Default.MailboxHistoryDto);
    }

    internal static async Task<IResult> Delete(string id, [FromServices] IMailboxService mailboxes, CancellationToken cancellationToken)
    {
        if (!ApiRequests.TryParseId(id, out var mailboxId, out var problem))
        {
            return problem!;
        }

        var result = await mailboxes.DeleteAsync(mailboxId, MailboxSource.Api, cancellationToken);
        return result.Succeeded ? Results.NoContent() : ApiProblems.FromWrite(mailboxId, result, invalidIsConflict: false);
    }

    internal static async Task<IResult> DeleteWhere(HttpRequest request, [FromServices] IMailboxService mailboxes, CancellationToken cancellationToken)
    {
        var body = await ApiRequests.ReadJsonAsync(request, ApiJsonContext.Default.DeleteWhereRequest, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var req = body.Value!;
        Func<MailboxId, bool> match;
        if (req.Like is not null && req.All is null)
        {
            if (!IdPattern.TryCreate(req.Like, out match, out var error))
            {
                return ApiProblems.BadRequest("like: " + error);
            }
        }
        else if (req.All == true && req.Like is null)
        {
            match = static _ => true;
        }
        else
        {
            return ApiProblems.BadRequest("give exactly one of {\"like\": \"<regex>\"} or {\"all\": true}");
        }

        var deleted = await mailboxes.DeleteWhereAsync(match, MailboxSource.Api, cancellationToken);
        return Results.Json(new DeleteWhereResponse(deleted), ApiJsonContext.Default.DeleteWhereResponse);
    }

    internal static async Task<IResult> Batch(HttpRequest request, [FromServices] IMailboxService mailboxes, CancellationToken cancellationToken)
    {
        var body = await ApiRequests.ReadJsonAsync(request, ApiJsonContext.Default.BatchRequest, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var raw = body.Value!.Items;
        if (raw is null || raw.Count == 0)
        {
            return ApiProblems.BadRequest("items is missing or empty");
        }

        if (raw.Count > MaxBatchItems)
        {
            return ApiProblems.BadRequest($"the batch has {raw.Count} items; at most {MaxBatchItems} are allowed");
        }

        var items = new List<MailboxBatchItem>(raw.Count);
        var errors = new List<ApiItemError>();
        for (var i = 0; i < raw.Count; i++)
        {
            var item = raw[i];
            if (item is null)
            {
                errors.Add(new ApiItemError(i, "item is null"));
                continue;
            }

            if (!MailboxId.TryParse(item.Id, out var itemId, out var idError))
            {
                errors.Add(new ApiItemError(i, idError));
                continue;
            }

            if (!MailboxMapping.TryToCounts(item.Counts, out var counts, out var countError))
            {
                errors.Add(new ApiItemError(i, $"{itemId}: {countError}"));
                continue;
            }

            items.Add(new MailboxBatchItem(itemId, MailboxUpdate.Replace(counts)));
        }

        if (errors.Count > 0)
        {
            return BatchRefused(StatusCodes.Status400BadRequest, errors);
        }

        var result = await mailboxes.UpdateBatchAsync(items, MailboxSource.Api, cancellationToken);
        if (result.Applied)
        {
            return Results.Json(new BatchResponse(items.Count, result.Changed), ApiJsonContext.Default.BatchResponse);
        }

        var status = StatusCodes.Status400BadRequest;
        foreach (var e in result.Errors)
        {
            errors.Add(new ApiItemError(e.Index, e.Error));
            if (e.Status == MailboxWriteStatus.Unavailable)
            {
                status = StatusCodes.Status503ServiceUnavailable;
            }
            else if (e.Status == MailboxWriteStatus.OwnedByOther && status == StatusCodes.Status400BadRequest)
            {
                status = StatusCodes.Status409Conflict;
            }
        }

        return BatchRefused(status, errors);
    }

    private static IResult BatchRefused(int status, List<ApiItemError> errors) => ApiProblems.Result(
        status,
        status == StatusCodes.Status409Conflict ? "batch-conflict" : status == StatusCodes.Status503ServiceUnavailable ? "store-unavailable" : "invalid-batch",
        "Batch refused",
        $"the batch was not applied: {errors.Count} bad item(s), first: item {errors[0].Index}: {errors[0].Reason}",
        errors);

    private static IResult Written(HttpResponse response, MailboxId id, MailboxWriteResult result, bool invalidIsConflict) =>
        result.Succeeded && result.Mailbox is not null
            ? Stored(response, result.Mailbox)
            : ApiProblems.FromWrite(id, result, invalidIsConflict);

    private static IResult Stored(HttpResponse response, Mailbox mailbox)
    {
        response.Headers.ETag = ApiRequests.ETag(mailbox.Version);
        return Results.Json(MailboxMapping.ToDto(mailbox), ApiJsonContext.Default.MailboxDto);
    }

    private static string? Optional(IQueryCollection query, string key) =>
        query.TryGetValue(key, out var value) && value.Count > 0 && value[0]!.Length > 0 ? value[0] : null;
}
