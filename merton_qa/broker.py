"""The Redis broker transport: kombu's, with two fixes so a Celery worker rides out a Redis outage.

Settings use it as CELERY_BROKER_TRANSPORT when REDIS_URL is set (docs/reliability.md, `make fault`).

1. The crash (kombu 5.7.0, Celery 5.7.0; `make fault` failed about 1 run in 4). When Redis goes away the
   worker's consumer calls `Connection.collect()` and then `Connection.close()`. `collect()` tries to close
   the consuming channel, which can fail half-way (its pending BRPOP read raises ConnectionError before the
   channel is marked closed), and then detaches the transport anyway (`transport.client = None`). `close()`
   closes the channel again; with a task still running (acks_late: its message unacknowledged) the channel
   tries to put that message back in the queue, needs a new Redis connection pool and builds its parameters
   from `transport.client`, now None: "AttributeError: 'NoneType' object has no attribute 'hostname'". That is
   not a connection error, so neither kombu nor Celery catches it, and the worker exits ("Unrecoverable
   error"). The task's late acknowledgement on the same channel fails the same way. Here a channel whose
   transport was detached raises a connection error instead, as it would if Redis were merely down: kombu and
   Celery handle that everywhere (the channel is closed, the failed ack is logged, the worker reconnects).

2. The wait. Closing a channel puts its delivered, unacknowledged messages back in the queue ("Restoring N
   unacknowledged message(s)"); with Redis down that fails, and they stayed in Redis's unacknowledged set
   until the visibility timeout (an hour). One of them can be a task the worker had received but not yet
   handed to a pool process when the connection dropped: Celery forgets it, so its email waited an hour (or
   the relay's 10-minute republication). Here the tags of such messages are kept, and the first channel
   that connects again puts them back in the queue, as closing would have.

Nothing is lost or done twice: a message put back whose task had in fact run (or is still running) runs
again and does nothing, since the tasks are idempotent (an email is sent at most once per EmailMessage
row, under a row lock).
"""
import logging

from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError

log = logging.getLogger(__name__)
DETACHED = "the broker connection of this channel was closed after the broker went away"
REFUSED = "broker channel left by a lost connection: refused, the worker carries on"
RESTORED = "put back in the queue after the broker came back"

#: Delivery tags of unacknowledged messages a closing channel could not put back (this process only).
left_behind: set[str] = set()


class QoS(kombu_redis.QoS):
    def restore_unacked(self, client=None):
        tags = set(self._delivered)
        try:
            return super().restore_unacked(client)
        except Exception:
            left_behind.update(tags)  # the next channel that connects puts them back
            raise


class Channel(kombu_redis.Channel):
    QoS = QoS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)  # connects (PING): Redis is there
        if left_behind and self.ack_emulation:
            self.restore_left_behind()

    def restore_left_behind(self) -> int:
        restored = 0
        while left_behind:
            tag = left_behind.pop()
            try:
                self.qos.restore_by_tag(tag)  # no-op when the message was acknowledged meanwhile
            except self.connection_errors:
                left_behind.add(tag)
                break
            restored += 1
        if restored:
            log.warning("%d unacknowledged message(s) of the lost connection %s", restored, RESTORED)
        return restored

    def _connparams(self, asynchronous=False):
        transport = self.connection
        if transport is None or transport.client is None:
            log.warning("%s (its unacknowledged messages are put back when the broker is there again)", REFUSED)
            raise RedisConnectionError(DETACHED)
        return super()._connparams(asynchronous=asynchronous)


class Transport(kombu_redis.Transport):
    Channel = Channel
