"""The HSDS 3.0 API of one Kommune, under /api/hsds/<kommune-slug>/."""

urlpatterns = []
