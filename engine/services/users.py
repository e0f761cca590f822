from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload, make_transient_to_detached

from engine import audit
from engine.errors import N_, Conflict, InvalidInput, NotFound, Phrase, field_error
from engine.models import ApiToken, User, UserRole
from engine.services.token_cache import TokenCache, bump_revision, current_revision
from engine.services.transaction import atomic

if TYPE_CHECKING:
    from engine.services.engine import Engine


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class UserService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.signed_in = TokenCache()
        self.hasher = PasswordHasher(
            time_cost=engine.settings.argon2_time_cost, memory_cost=engine.settings.argon2_memory_kib
        )

    def create(
        self,
        username: str,
        password: str | None,
        roles: list[str],
        *,
        full_name: str = "",
        institution: str | None = None,
        unit: str | None = None,
        service_account: bool = False,
        actor: str = "system",
    ) -> User:
        session = self.engine.session()
        username = username.strip()
        if not username:
            raise InvalidInput(N_("a username is required"), [field_error("/username", N_("required"))])
        roles = self.engine.directory.check_roles(roles)
        institution, unit = self.engine.directory.check_placement(institution, unit)
        if not service_account and not password:
            raise InvalidInput(N_("a person's account needs a password"))
        if session.scalar(select(User.id).where(User.username == username)) is not None:
            raise Conflict(N_("user %(user)r already exists"), params={"user": username})
        now = self.engine.clock.now()
        user = User(
            username=username, full_name=full_name, institution_code=institution or None, unit_code=unit or None,
            password_hash=self.hasher.hash(password) if password else None,
            is_service_account=service_account, active=True, created_at=now,
        )
        user.role_rows = [UserRole(role=role) for role in sorted(set(roles))]
        session.add(user)
        with atomic(session, Phrase(N_("user %(user)r could not be created"), user=username)):
            audit.record(session, now, actor, "user_created", data={
                "username": username, "roles": roles, "full_name": full_name, "institution": institution,
                "unit": unit, "service_account": service_account,
            })
        return user

    def list(self) -> list[User]:
        return list(self.engine.session().scalars(select(User).order_by(User.username)))

    def update(self, username: str, changes: dict, *, actor: str = "system") -> User:
        """Change `full_name`, `institution`, `unit`, `roles` and/or `active` (the keys present in
        `changes`). Deactivating revokes every token of the user in the same transaction. Audited
        as `user_updated`, each changed field old → new."""
        session = self.engine.session()
        user = self.by_username(username)
        session.refresh(user)
        before = _profile(user)
        after = dict(before)
        for name in ("full_name", "active"):
            if name in changes:
                after[name] = changes[name]
        if "institution" in changes or "unit" in changes:
            institution = changes.get("institution", before["institution"])
            unit = changes.get("unit", before["unit"])
            if "institution" in changes and "unit" not in changes and unit and institution != before["institution"]:
                unit = None  # a new institution leaves the old one's unit behind
            after["institution"], after["unit"] = self.engine.directory.check_placement(institution, unit)
        if "roles" in changes:
            after["roles"] = self.engine.directory.check_roles(changes["roles"])
        diff = {name: {"old": before[name], "new": after[name]} for name in before if before[name] != after[name]}
        if not diff:
            return user
        now = self.engine.clock.now()
        with atomic(session, Phrase(N_("user %(user)r could not be changed"), user=username)):
            user.full_name = after["full_name"]
            user.institution_code, user.unit_code = after["institution"], after["unit"]
            user.active = after["active"]
            if "roles" in diff:
                keep = set(after["roles"])
                user.role_rows = [row for row in user.role_rows if row.role in keep] + [
                    UserRole(role=role) for role in after["roles"] if role not in before["roles"]
                ]
            revoked = self._revoke_all(user, now) if before["active"] and not after["active"] else 0
            # Cached sign-ins carry the roles and placement need-to-know is decided on: every
            # process must drop them, not only when the user is deactivated.
            bump_revision(session)
            audit.record(session, now, actor, "user_updated",
                         data={"username": username, "changes": diff, "tokens_revoked": revoked})
        return user

    def set_roles(self, username: str, add: list[str], remove: list[str], *, actor: str = "system") -> User:
        user = self.by_username(username)
        roles = (set(user.roles) | set(add)) - set(remove)
        return self.update(username, {"roles": sorted(roles)}, actor=actor)

    def deactivate(self, username: str, *, actor: str = "system") -> User:
        return self.update(username, {"active": False}, actor=actor)

    def _revoke_all(self, user: User, now) -> int:
        return self.engine.session().execute(
            update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).values(revoked_at=now)
        ).rowcount

    def revoke_token(self, token: str) -> None:
        """Sign out: the token stops working at once, in every process."""
        session = self.engine.session()
        row = session.scalars(select(ApiToken).where(ApiToken.token_hash == token_digest(token))).first()
        if row is None or row.revoked_at is not None:
            return
        now = self.engine.clock.now()
        with atomic(session, N_("the token could not be revoked")):
            row.revoked_at = now
            bump_revision(session)
            audit.record(session, now, row.user.username, "token_revoked")

    def by_username(self, username: str) -> User:
        user = self.engine.session().scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFound(N_("user %(user)r does not exist"), params={"user": username})
        return user

    def authenticate(self, username: str, password: str) -> User | None:
        user = self.engine.session().scalar(select(User).where(User.username == username))
        if user is None or not user.active or not user.password_hash:
            # Spend the same time as a real check, so timing does not reveal which names exist.
            self.hasher.hash(password or "x")
            return None
        try:
            self.hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        return user

    def issue_token(self, user: User, ttl: timedelta | None = None) -> str:
        session = self.engine.session()
        token = secrets.token_urlsafe(32)
        now = self.engine.clock.now()
        ttl = ttl or timedelta(hours=self.engine.settings.token_ttl_hours)
        session.add(ApiToken(user_id=user.id, token_hash=token_digest(token), created_at=now, expires_at=now + ttl))
        with atomic(session, N_("the token could not be issued")):
            audit.record(session, now, user.username, "token_issued")
        return token

    def user_for_token(self, token: str) -> User | None:
        """The active user a valid token belongs to, or None. Asked by every request: a cached
        sign-in costs one read of the authentication revision (see token_cache); a miss reads
        token, user and roles in one query."""
        session = self.engine.session()
        digest = token_digest(token)
        # Read before the user is loaded: a revocation committed in between bumps it past this
        # value, so the entry stored below is already stale at the next request.
        revision = current_revision(session)
        now = self.engine.clock.now()
        cached = self.signed_in.get(digest, revision)
        if cached is not None:
            if cached.expires_at <= now:
                self.signed_in.forget(digest)
                return None
            return session.merge(cached.user, load=False)
        query = (
            select(ApiToken)
            .where(ApiToken.token_hash == digest)
            .options(joinedload(ApiToken.user).joinedload(User.role_rows))
        )
        row = session.scalars(query).unique().first()
        if row is None or row.revoked_at is not None or row.expires_at <= now or not row.user.active:
            return None
        self.signed_in.put(digest, _detached_copy(row.user), row.expires_at, revision)
        return row.user


def _detached_copy(user: User) -> User:
    """A copy of `user` and its roles belonging to no session, as if just loaded: the cache keeps
    it across requests and threads, and `Session.merge(load=False)` attaches a fresh copy of it to
    each request's session without SQL."""
    copy = User(**{column.key: getattr(user, column.key) for column in User.__mapper__.column_attrs})
    copy.role_rows = [UserRole(user_id=user.id, role=row.role) for row in user.role_rows]
    for row in copy.role_rows:
        make_transient_to_detached(row)
    make_transient_to_detached(copy)
    return copy


def _profile(user: User) -> dict:
    return {
        "full_name": user.full_name, "institution": user.institution_code, "unit": user.unit_code,
        "roles": sorted(user.roles), "active": user.active,
    }
