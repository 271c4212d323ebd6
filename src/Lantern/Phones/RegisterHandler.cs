using System.Globalization;
using Lantern.Sip.Messages;
using Lantern.Sip.Stack;
using Lantern.Sip.Transactions;

namespace Lantern.Phones;

/// <summary>REGISTER (sip.md §5): digest auth, the To user must be the authenticated endpoint, then the registrar decides;
/// the 200 lists every registered contact with its remaining expiry.</summary>
internal sealed class RegisterHandler : ISipRequestHandler
{
    private readonly PhonesService _phones;
    private readonly PhonesAuthenticator _auth;
    private readonly TimeProvider _time;

    public RegisterHandler(PhonesService phones, PhonesAuthenticator auth, TimeProvider time)
    {
        _phones = phones;
        _auth = auth;
        _time = time;
    }

    public ValueTask HandleRequestAsync(SipServerTransaction transaction, CancellationToken cancellationToken)
    {
        // Not cancelled: an accepted request waits only for its commit, which the record writer bounds.
        return Handle(transaction);
    }

    private ValueTask Handle(SipServerTransaction tx)
    {
        var request = tx.Request;
        if (!request.TryGetTo(out var to) || to?.Uri.User is not { } aor)
        {
            tx.Respond(400, "Missing To User");
            return ValueTask.CompletedTask;
        }

        if (!PhonesResponses.TryReadExpires(tx, out var expires))
        {
            return ValueTask.CompletedTask;
        }

        if (!request.TryGetContacts(out var contacts))
        {
            tx.Respond(400, "Malformed Contact");
            return ValueTask.CompletedTask;
        }

        var directory = _phones.Directory;
        var identity = _auth.Admit(tx, directory);
        if (identity is null)
        {
            return ValueTask.CompletedTask;
        }

        // A trusted proxy registers on behalf of the endpoint its To names; anyone else only for itself.
        var endpoint = identity.Endpoint ?? directory.Find(aor);
        if (endpoint is null)
        {
            tx.Respond(404, "Unknown Endpoint");
            return ValueTask.CompletedTask;
        }

        if (aor != endpoint.Id && aor != endpoint.AuthUser)
        {
            tx.Respond(403, "To Does Not Match Credentials");
            return ValueTask.CompletedTask;
        }

        var wildcard = false;
        var list = new List<RegisterContact>(contacts.Count);
        foreach (var c in contacts)
        {
            if (c.IsWildcard)
            {
                wildcard = true;
                continue;
            }

            var e = c.Expires;
            list.Add(new RegisterContact(c.Address!.Uri.ToString(), e is null ? null : (int)Math.Min(e.Value, int.MaxValue)));
        }

        var path = new List<string>();
        if (request.HasHeader(SipHeaderId.Path) && request.TryGetAddressList(SipHeaderId.Path, out var pathEntries))
        {
            foreach (var p in pathEntries)
            {
                path.Add(p.ToString());
            }
        }

        var destination = tx.ResponseDestination;
        var outcome = _phones.Registrar.Register(new RegisterRequest(
            endpoint,
            list,
            wildcard,
            expires,
            request.CallId,
            request.CSeq.Number,
            path,
            destination.Transport,
            destination.Remote.Address.ToString(),
            destination.Remote.Port,
            destination.ConnectionId,
            request.GetHeader(SipHeaderId.UserAgent)));
        switch (outcome.Status)
        {
            case RegisterStatus.Ok:
                var ok = tx.CreateResponse(200, "OK");
                var now = _time.GetUtcNow();
                foreach (var b in outcome.Bindings)
                {
                    if (b.ExpiresAt is not null)
                    {
                        ok.AddHeader(SipHeaderId.Contact, "<" + b.Uri + ">;expires=" + b.RemainingSeconds(now).ToString(CultureInfo.InvariantCulture));
                    }
                }

                if (path.Count > 0)
                {
                    ok.AddHeader(SipHeaderId.Path, string.Join(", ", path));
                }

                ok.AddHeader(SipHeaderId.Date, now.ToString("r", CultureInfo.InvariantCulture));
                // Bindings are acknowledged once durable, like subscriptions; their unsolicited NOTIFYs follow the 200 on the wire.
                PhonesResponses.AnswerWhenStored(_phones, tx, "Registration Store Unavailable", (tx, ok, _phones.Registrar, outcome), static s =>
                {
                    if (!s.tx.Respond(s.ok, static a => a.Registrar.Announce(a.outcome), (s.Registrar, s.outcome)))
                    {
                        s.Registrar.Announce(s.outcome);
                    }
                });
                break;
            case RegisterStatus.IntervalTooBrief:
                PhonesResponses.IntervalTooBrief(tx, outcome.MinExpires);
                break;
            case RegisterStatus.Overloaded:
                tx.Respond(tx.CreateResponse(503, "Too Many Registrations").AddHeader(SipHeaderId.RetryAfter, outcome.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture)));
                break;
            case RegisterStatus.TooManyContacts:
                tx.Respond(403, outcome.Reason);
                break;
            default:
                tx.Respond(400, outcome.Reason);
                break;
        }

        return ValueTask.CompletedTask;
    }
}
