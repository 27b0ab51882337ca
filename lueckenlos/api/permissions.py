"""The API's access rule before any record is read: reading is open, writing needs a role.

Which records a user may read or change is decided per record by the named predicates of
lueckenlos.accounts.permissions, called in the views.
"""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from lueckenlos.accounts.permissions import may_write_at_all


class ReadOpenWriteByRole(BasePermission):
    """Anyone reads; only coordinators, provider editors and administrators write."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return may_write_at_all(request.user)
