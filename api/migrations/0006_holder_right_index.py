from tortoise import migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('platform', '0005_certificates')]

    initial = False

    operations = [
        ops.AlterModelOptions(
            name='CertificateDocument',
            options={'table': 'certificate_document', 'app': 'platform', 'pk_attr': 'certificate_id', 'table_description': 'The signed PDF (e-archive copy), one per certificate.'},
        ),
    ]
