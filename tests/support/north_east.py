"""The North East places the tests name by code (codes live in data/ and tests, never in the product's code:
tests/unit/test_no_place_in_code.py).  The product reads them from the warehouse (sdp_dash/domain/home.py)."""

DARLINGTON = "E06000005"
DURHAM_FORCE, CLEVELAND_FORCE, NORTHUMBRIA_FORCE = FORCES = ("E23000008", "E23000013", "E23000007")
NORTH_EAST = "E12000001"
NORTH_EAST_LAS = (
    "E06000001",  # Hartlepool
    "E06000002",  # Middlesbrough
    "E06000003",  # Redcar and Cleveland
    "E06000004",  # Stockton-on-Tees
    "E06000005",  # Darlington
    "E06000047",  # County Durham
    "E06000057",  # Northumberland
    "E08000021",  # Newcastle upon Tyne
    "E08000022",  # North Tyneside
    "E08000023",  # South Tyneside
    "E08000024",  # Sunderland
    "E08000037",  # Gateshead
)
