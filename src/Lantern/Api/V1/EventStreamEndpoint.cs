using Microsoft.AspNetCore.Mvc;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Lantern.Configuration;
using Lantern.Mailboxes;
using Microsoft.Extensions.Options;

namespace Lantern.Api.V1;

/// <summary><c>GET /api/v1/events</c>: Server-Sent Events from the mailbox change feed, with <c>Last-Event-ID</c> resume.</summary>
internal static class EventStreamEndpoint
{
    /// <summary>Comment lines keep proxies and idle timeouts from closing a quiet stream.</summary>
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);

    public static async Task StreamAsync(
        HttpContext context,
        [FromServices] IMailboxService mailboxes,
        [FromServices] EventStreamLimiter limiter,
        [FromServices] TimeProvider time,
        [FromServices] ILoggerFactory loggers,
        [FromServices] IOptions<LanternOptions> options,
        [FromServices] ApiMetrics metrics)
    {
        if (!limiter.TryEnter())
        {
            context.Response.Headers.RetryAfter = "5";
            await ApiProblems.WriteAsync(
                context, StatusCodes.Status503ServiceUnavailable, "too-many-event-streams", "Too many event streams", $"at most {limiter.Limit} event streams may be open at once");
            return;
        }

        try
        {
            await StreamCoreAsync(context, mailboxes, time, loggers, options.Value.Http, metrics);
        }
        finally
        {
            limiter.Exit();
        }
    }

    private static async Task StreamCoreAsync(HttpContext context, IMailboxService mailboxes, TimeProvider time, ILoggerFactory loggers, HttpOptions http, ApiMetrics metrics)
    {
        var request = context.Request;
        var response = context.Response;
        var cancellationToken = context.RequestAborted;

        Func<MailboxId, bool>? match = null;
        if (request.Query.TryGetValue("like", out var like) && like.Count > 0 && !string.IsNullOrEmpty(like[0]))
        {
            if (!IdPattern.TryCreate(like[0], out var m, out var error))
            {
                await ApiProblems.WriteAsync(context, StatusCodes.Status400BadRequest, "invalid-request", "Invalid request", "like: " + error);
                return;
            }

            match = m;
        }

        long? resumeFrom = null;
        var lastEventId = request.Headers["Last-Event-ID"].ToString();
        if (lastEventId.Length > 0)
        {
            if (!long.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                await ApiProblems.WriteAsync(context, StatusCodes.Status400BadRequest, "invalid-request", "Invalid request", $"Last-Event-ID must be a feed sequence number, got \"{lastEventId}\"");
                return;
            }

            resumeFrom = id;
        }

        // Subscribe before reading the replay window, so nothing falls between the two; duplicates are skipped by arrival
        // position (ids of a cluster arrive out of order, so an id lower than one sent is not a duplicate).
        // A client that stops reading is dropped once its backlog passes the bound or a write stalls, instead of holding ~1 kB per
        // changed mailbox; it reconnects with Last-Event-ID and gets the missed changes or a resync.
        using var reader = mailboxes.Changes.Subscribe(http.EventStreamBacklog);
        var writeTimeout = TimeSpan.FromSeconds(http.EventStreamWriteTimeoutSeconds);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        var text = new StringBuilder();
        text.Append("retry: 2000\n: lantern mailbox events\n\n");

        // The reader holds only changes published after it subscribed; those at or before this position were replayed.
        var replayed = 0L;
        if (resumeFrom is { } from)
        {
            var missed = mailboxes.Changes.ReadSince(from, out var complete);
            if (!complete)
            {
                var oldest = missed.Count > 0 ? missed[0].Sequence : mailboxes.Changes.LastSequence + 1;
                var resync = new ResyncEventDto(from, oldest, "changes after Last-Event-ID are no longer held; re-read the mailboxes");
                text.Append("event: resync\ndata: ").Append(JsonSerializer.Serialize(resync, ApiJsonContext.Default.ResyncEventDto)).Append("\n\n");
            }

            // After a resync the live stream follows whatever id the client named: one this node never issued (an earlier
            // database's or run's) must not hold back the changes that follow.
            foreach (var change in missed)
            {
                Append(text, change, match);
                replayed = Math.Max(replayed, change.Position);
            }
        }

        await FlushAsync(response, text, cancellationToken);
        var reason = "client closed";
        string? dropped = null;
        try
        {
            var next = reader.ReadAsync(cancellationToken).AsTask();
            while (true)
            {
                var beat = Task.Delay(HeartbeatInterval, time, cancellationToken);
                if (await Task.WhenAny(next, beat) == beat)
                {
                    await beat;
                    text.Append(": keep-alive\n\n");
                    dropped = await FlushWithinAsync(response, text, writeTimeout, time, reader.Overflowed, cancellationToken);
                    if (dropped is not null)
                    {
                        break;
                    }

                    continue;
                }

                // The reader yields mailboxes in first-dirty order, so positions are not monotonic here: compare with the replay only.
                var change = await next;
                if (change.Position > replayed)
                {
                    Append(text, change, match);
                }

                while (reader.TryRead(out var more))
                {
                    if (more.Position > replayed)
                    {
                        Append(text, more, match);
                    }
                }

                dropped = await FlushWithinAsync(response, text, writeTimeout, time, reader.Overflowed, cancellationToken);
                if (dropped is not null)
                {
                    break;
                }

                next = reader.ReadAsync(cancellationToken).AsTask();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (OperationCanceledException) when (reader.Overflowed.IsCancellationRequested || !cancellationToken.IsCancellationRequested)
        {
            dropped = Backlog;
        }
        catch (InvalidOperationException ex)
        {
            reason = ex.Message;
        }

        var logger = loggers.CreateLogger(typeof(EventStreamEndpoint));
        var remote = context.Connection.RemoteIpAddress?.ToString();
        if (dropped is not null)
        {
            metrics.EventStreamDropped();
            ApiLog.EventStreamDropped(logger, remote, dropped);
            context.Abort();
            return;
        }

        ApiLog.EventStreamEnded(logger, remote, reason);
    }

    private const string Backlog = "more changed mailboxes waiting unsent than http.eventStreamBacklog allows";

    /// <summary>Flushes, or names why the client is dropped: its backlog overflowed, or the write took longer than <paramref name="timeout"/>.</summary>
    private static async Task<string?> FlushWithinAsync(
        HttpResponse response, StringBuilder text, TimeSpan timeout, TimeProvider time, CancellationToken overflowed, CancellationToken cancellationToken)
    {
        using var stalled = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, overflowed, stalled.Token);
        try
        {
            await FlushAsync(response, text, linked.Token);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return overflowed.IsCancellationRequested
                ? Backlog
                : $"a write took longer than {(int)timeout.TotalSeconds} s (http.eventStreamWriteTimeoutSeconds)";
        }
    }

    private static void Append(StringBuilder text, MailboxChange change, Func<MailboxId, bool>? match)
    {
        if (match is not null && !match(change.Mailbox.Id))
        {
            return;
        }

        text.Append("event: mailbox\nid: ").Append(change.Sequence.ToString(CultureInfo.InvariantCulture)).Append("\ndata: ");
        text.Append(JsonSerializer.Serialize(MailboxMapping.ToEvent(change), ApiJsonContext.Default.MailboxEventDto)).Append("\n\n");
    }

    private static async Task FlushAsync(HttpResponse response, StringBuilder text, CancellationToken cancellationToken)
    {
        if (text.Length > 0)
        {
            await response.WriteAsync(text.ToString(), cancellationToken);
            text.Clear();
        }

        await response.Body.FlushAsync(cancellationToken);
    }
}
