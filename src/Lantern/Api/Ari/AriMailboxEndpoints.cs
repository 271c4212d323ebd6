using Microsoft.AspNetCore.Mvc;
using System.Globalization;
using System.Text.Json;
using Lantern.Mailboxes;

namespace Lantern.Api.Ari;

/// <summary>Asterisk ARI-compatible <c>/ari/mailboxes</c>: voice counts only, as res_ari_mailboxes.</summary>
internal static class AriMailboxEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/ari").WithTags("ari");
        group.MapGet("/mailboxes", List)
            .WithName("ariListMailboxes")
            .WithSummary("List all mailboxes (ARI).")
            .Produces<IReadOnlyList<AriMailbox>>();
        group.MapGet("/mailboxes/{mailboxName}", Get)
            .WithName("ariGetMailbox")
            .WithSummary("Retrieve the current state of a mailbox (ARI).")
            .Produces<AriMailbox>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/mailboxes/{mailboxName}", Update)
            .WithName("ariUpdateMailbox")
            .WithSummary("Change the state of a mailbox (ARI); implicitly creates it.")
            .WithDescription("oldMessages and newMessages from the query string or a JSON body; a missing one means 0. Clears the voice urgent counts and leaves other classes alone.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/mailboxes/{mailboxName}", Delete)
            .WithName("ariDeleteMailbox")
            .WithSummary("Destroy a mailbox (ARI).")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/api-docs/resources.json", AriApiDocs.Resources).ExcludeFromDescription();
        group.MapGet("/api-docs/mailboxes.json", AriApiDocs.Mailboxes).ExcludeFromDescription();
    }

    internal static IResult List([FromServices] IMailboxService mailboxes)
    {
        var all = mailboxes.List(MailboxQuery.All);
        var items = new AriMailbox[all.Count];
        for (var i = 0; i < all.Count; i++)
        {
            items[i] = ToAri(all[i]);
        }

        return Results.Json<IReadOnlyList<AriMailbox>>(items, ApiJsonContext.Default.IReadOnlyListAriMailbox);
    }

    internal static IResult Get(string mailboxName, [FromServices] IMailboxService mailboxes)
    {
        if (!ApiRequests.TryParseId(mailboxName, out var id, out var problem))
        {
            return problem!;
        }

        var mailbox = mailboxes.Find(id);
        return mailbox is null ? ApiProblems.NotFound(id) : Results.Json(ToAri(mailbox), ApiJsonContext.Default.AriMailbox);
    }

    internal static async Task<IResult> Update(string mailboxName, HttpRequest request, [FromServices] IMailboxService mailboxes, CancellationToken cancellationToken)
    {
        if (!ApiRequests.TryParseId(mailboxName, out var id, out var problem))
        {
            return problem!;
        }

        string? oldText = null, newText = null;
        if (ApiRequests.HasBody(request))
        {
            var bodyProblem = await ReadBodyAsync(request, cancellationToken);
            if (bodyProblem.Problem is not null)
            {
                return bodyProblem.Problem;
            }

            (oldText, newText) = (bodyProblem.Old, bodyProblem.New);
        }

        // The query string wins over the body, as Asterisk merges body parameters under query ones.
        if (request.Query.TryGetValue("oldMessages", out var oldQuery))
        {
            oldText = oldQuery.ToString();
        }

        if (request.Query.TryGetValue("newMessages", out var newQuery))
        {
            newText = newQuery.ToString();
        }

        if (!TryCount("oldMessages", oldText, out var oldCount, out var error) || !TryCount("newMessages", newText, out var newCount, out error))
        {
            return ApiProblems.BadRequest(error);
        }

        var update = MailboxUpdate.SetClass(MessageClass.Voice, newCount, oldCount, 0, 0);
        var result = await mailboxes.UpdateAsync(id, MailboxSource.Api, update, null, cancellationToken);
        return result.Succeeded ? Results.NoContent() : ApiProblems.FromWrite(id, result, invalidIsConflict: false);
    }

    internal static async Task<IResult> Delete(string mailboxName, [FromServices] IMailboxService mailboxes, CancellationToken cancellationToken)
    {
        if (!ApiRequests.TryParseId(mailboxName, out var id, out var problem))
        {
            return problem!;
        }

        var result = await mailboxes.DeleteAsync(id, MailboxSource.Api, cancellationToken);
        return result.Succeeded ? Results.NoContent() : ApiProblems.FromWrite(id, result, invalidIsConflict: false);
    }

    private static AriMailbox ToAri(Mailbox mailbox) => new(mailbox.Id.ToString(), mailbox.Counts.Voice.Old, mailbox.Counts.Voice.New);

    private static bool TryCount(string name, string? text, out int count, out string error)
    {
        count = 0;
        error = string.Empty;
        if (text is null || text.Length == 0)
        {
            return true;
        }

        if (text.Length > 0 && text[0] == '-' && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            error = $"{name} must not be negative, got {text}";
            return false;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            error = $"{name} must be a non-negative integer, got \"{(text.Length > 40 ? text[..40] + "..." : text)}\"";
            return false;
        }

        if (value > int.MaxValue)
        {
            error = $"{name} {value} is out of range 0..{int.MaxValue}";
            return false;
        }

        count = (int)value;
        return true;
    }

    private readonly record struct AriBody(string? Old, string? New, IResult? Problem);

    private static async Task<AriBody> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 8 }, cancellationToken);
        }
        catch (JsonException ex)
        {
            return new(null, null, ApiProblems.Result(StatusCodes.Status400BadRequest, "malformed-json", "Malformed JSON", "the request body is not valid JSON: " + ex.Message));
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return new(null, null, ApiProblems.BadRequest("the request body must be a JSON object {\"oldMessages\": N, \"newMessages\": N}"));
            }

            string? oldText = null, newText = null;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                string? value = property.Value.ValueKind switch
                {
                    JsonValueKind.Number or JsonValueKind.String => property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText(),
                    JsonValueKind.Null => null,
                    _ => "\u0000",
                };
                if (value == "\u0000")
                {
                    return new(null, null, ApiProblems.BadRequest($"{property.Name} must be a number"));
                }

                switch (property.Name)
                {
                    case "oldMessages": oldText = value; break;
                    case "newMessages": newText = value; break;
                    default: return new(null, null, ApiProblems.BadRequest($"unknown parameter \"{property.Name}\"; only oldMessages and newMessages are accepted"));
                }
            }

            return new(oldText, newText, null);
        }
    }
}
